package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.engine.jdbc.StoreRegistry;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operator the planner pushes into storage, checked three ways: the plan shows it pushed
 * ({@code EXPLAIN}), the answer equals the same query's with pushdown off (Calcite filtering and
 * aggregating every row itself), and, once everything is in Parquet, DuckDB's answer over the
 * same files. The store is queried in four states: only in the memtable, half flushed, fully
 * flushed, and compacted; a few events without an entity make nulls to group and count.
 */
class PushdownDifferentialTest {
  private static final String DAY = "recorded_at >= TIMESTAMP '2026-10-15 00:00:00'"
      + " AND recorded_at < TIMESTAMP '2026-10-16 00:00:00'";
  private static final String DUCK_DAY = "recorded_at >= TIMESTAMPTZ '2026-10-15 00:00:00+00'"
      + " AND recorded_at < TIMESTAMPTZ '2026-10-16 00:00:00+00'";

  /**
   * One query: Annals' SQL, what its plan must show, and DuckDB's SQL over view {@code t} (null
   * where DuckDB has no equivalent worth writing).
   */
  private record Case(String sql, String pushed, String duck) {}

  private static final List<Case> CASES = List.of(
      new Case("SELECT * FROM events WHERE global_seq >= 20000 ORDER BY global_seq LIMIT 40",
          "filters=[[>=(global_seq, 20000)]]",
          "SELECT * EXCLUDE (date) FROM t WHERE global_seq >= 20000 ORDER BY global_seq LIMIT 40"),
      new Case("SELECT * FROM events", "EnumerableEventTableScan(table=[[annals, events]])\n",
          "SELECT * EXCLUDE (date) FROM t ORDER BY global_seq"),
      new Case("SELECT COUNT(*) FROM events", "aggregate=[group [] [COUNT(*)]]", "SELECT COUNT(*) FROM t"),
      new Case("SELECT COUNT(*) FROM events WHERE stream_name = 'orders' AND " + DAY,
          "aggregate=", "SELECT COUNT(*) FROM t WHERE stream_name = 'orders' AND " + DUCK_DAY),
      new Case("SELECT COUNT(*) FROM events WHERE event_type IN ('OrderPlaced', 'Captured', 'ItemAdded')",
          "filters=[[SEARCH(event_type", "SELECT COUNT(*) FROM t WHERE event_type IN ('OrderPlaced', 'Captured', 'ItemAdded')"),
      new Case("SELECT event_type, COUNT(*) AS n FROM events GROUP BY event_type ORDER BY event_type",
          "aggregate=[group [event_type] [COUNT(*)]]",
          "SELECT event_type, COUNT(*) AS n FROM t GROUP BY event_type ORDER BY event_type"),
      new Case("SELECT FLOOR(recorded_at TO HOUR) AS h, COUNT(*) AS n FROM events"
          + " GROUP BY FLOOR(recorded_at TO HOUR) ORDER BY h", "aggregate=[group [FLOOR(recorded_at, 3600000 ms)]",
          "SELECT date_trunc('hour', recorded_at) AS h, COUNT(*) AS n FROM t GROUP BY 1 ORDER BY h"),
      new Case("SELECT stream_name, FLOOR(recorded_at TO DAY) AS d, COUNT(*) AS n, MIN(seq) AS a, MAX(seq) AS b,"
          + " MIN(recorded_at) AS c, MAX(global_seq) AS e FROM events GROUP BY stream_name, FLOOR(recorded_at TO DAY)"
          + " ORDER BY stream_name, d", "aggregate=[group [stream_name, FLOOR(recorded_at, 86400000 ms)]",
          "SELECT stream_name, date_trunc('day', recorded_at) AS d, COUNT(*) AS n, MIN(seq), MAX(seq),"
              + " MIN(recorded_at), MAX(global_seq) FROM t GROUP BY 1, 2 ORDER BY stream_name, d"),
      new Case("SELECT SUM(seq) AS s, SUM(version) AS v, COUNT(entity_id) AS e, COUNT(version) AS c, COUNT(*) AS n"
          + " FROM events WHERE seq BETWEEN 100 AND 5000", "aggregate=[group [] [SUM(seq), SUM(version)",
          "SELECT SUM(seq), SUM(version), COUNT(entity_id), COUNT(version), COUNT(*) FROM t WHERE seq BETWEEN 100 AND 5000"),
      new Case("SELECT version, COUNT(*) AS n FROM events WHERE global_seq >= 1000 AND global_seq < 30000"
          + " GROUP BY version ORDER BY version", "aggregate=[group [version] [COUNT(*)]]",
          "SELECT version, COUNT(*) FROM t WHERE global_seq >= 1000 AND global_seq < 30000 GROUP BY version"
              + " ORDER BY version NULLS FIRST"),
      new Case("SELECT entity_id, COUNT(*) AS n, MAX(version) AS v FROM orders WHERE " + DAY
          + " GROUP BY entity_id ORDER BY entity_id", "aggregate=[group [entity_id] [COUNT(*), MAX(version)]]",
          "SELECT entity_id, COUNT(*), MAX(version) FROM t WHERE stream_name = 'orders' AND " + DUCK_DAY
              + " GROUP BY entity_id ORDER BY entity_id"),
      new Case("SELECT * FROM orders WHERE entity_id = 'order-0000042' ORDER BY version",
          "filters=[[=(entity_id, 'order-0000042')]]",
          "SELECT * EXCLUDE (date) FROM t WHERE stream_name = 'orders' AND entity_id = 'order-0000042' ORDER BY version"),
      new Case("SELECT version, event_type FROM events WHERE stream_name IN ('orders', 'payments')"
          + " AND entity_id = 'pay-0000042' ORDER BY version", "columns=[[version, event_type]], filters=[[",
          "SELECT version, event_type FROM t WHERE stream_name IN ('orders', 'payments')"
              + " AND entity_id = 'pay-0000042' ORDER BY version"),
      // A literal that looks like one of Calcite's input references is printed as written: the
      // plan text is the scan's digest, by which the planner tells scans apart.
      new Case("SELECT COUNT(*) FROM events WHERE event_type = '$6'", "filters=[[=(event_type, '$6')]]",
          "SELECT COUNT(*) FROM t WHERE event_type = '$6'"),
      // Contradictions Calcite cannot see (it folds equalities and ranges away itself) reach the scan.
      new Case("SELECT COUNT(*) FROM events WHERE entity_id LIKE 'order-%' AND entity_id LIKE 'cart-%'",
          "filters=[[LIKE(entity_id, 'order-%'), LIKE(entity_id, 'cart-%')]]",
          "SELECT COUNT(*) FROM t WHERE entity_id LIKE 'order-%' AND entity_id LIKE 'cart-%'"),
      new Case("SELECT COUNT(*) AS n FROM (SELECT 1 FROM orders WHERE event_type = 'OrderPlaced' AND seq > 10)",
          "aggregate=", "SELECT COUNT(*) FROM t WHERE stream_name = 'orders' AND event_type = 'OrderPlaced' AND seq > 10"),
      new Case("SELECT seq, event_type FROM payments WHERE seq < 20 AND event_type <> 'Failed' ORDER BY seq",
          "filters=[[<(seq, 20)]]",
          "SELECT seq, event_type FROM t WHERE stream_name = 'payments' AND seq < 20 AND event_type <> 'Failed' ORDER BY seq"),
      new Case("SELECT JSON_VALUE(payload, '$.currency') AS currency,"
          + " SUM(CAST(JSON_VALUE(payload, '$.amount') AS DECIMAL(12, 2))) AS total FROM payments"
          + " WHERE event_type IN ('Captured', 'Refunded') GROUP BY JSON_VALUE(payload, '$.currency') ORDER BY currency",
          "json=[[payload $.currency, payload $.amount]]",
          "SELECT json_extract_string(payload, '$.currency') AS currency,"
              + " SUM(CAST(json_extract_string(payload, '$.amount') AS DECIMAL(12, 2))) FROM t"
              + " WHERE stream_name = 'payments' AND event_type IN ('Captured', 'Refunded') GROUP BY 1 ORDER BY currency"),
      new Case("SELECT entity_id, JSON_VALUE(payload, '$.customer_id') AS c, JSON_VALUE(metadata, '$.source') AS s,"
          + " JSON_VALUE(payload, 'lax $.items') AS a, CAST(JSON_VALUE(payload, '$.total') AS DECIMAL(12, 2)) AS t,"
          + " JSON_VALUE(payload, '$.nothing.here') AS n FROM orders WHERE event_type = 'OrderPlaced'"
          + " ORDER BY entity_id LIMIT 300", "json=[[payload $.customer_id, metadata $.source, payload lax $.items",
          "SELECT entity_id, json_extract_string(payload, '$.customer_id'), json_extract_string(metadata, '$.source'),"
              + " NULL, CAST(json_extract_string(payload, '$.total') AS DECIMAL(12, 2)), NULL FROM t"
              + " WHERE stream_name = 'orders' AND event_type = 'OrderPlaced' ORDER BY entity_id LIMIT 300"),
      new Case("SELECT stream_name, COUNT(*) AS n FROM events WHERE entity_id IS NULL GROUP BY stream_name"
          + " ORDER BY stream_name", "aggregate=", "SELECT stream_name, COUNT(*) FROM t WHERE entity_id IS NULL"
          + " GROUP BY stream_name ORDER BY stream_name"),
      new Case("SELECT * FROM events WHERE entity_id LIKE 'order-00001%' ORDER BY global_seq",
          "filters=[[LIKE(entity_id, 'order-00001%')]]",
          "SELECT * EXCLUDE (date) FROM t WHERE entity_id LIKE 'order-00001%' ORDER BY global_seq"),
      new Case("SELECT stream_name, event_type, COUNT(*) AS n FROM events WHERE event_type LIKE 'Order%'"
          + " AND stream_name LIKE 'o%' GROUP BY stream_name, event_type ORDER BY stream_name, event_type",
          "filters=[[LIKE(event_type, 'Order%'), LIKE(stream_name, 'o%')]]",
          "SELECT stream_name, event_type, COUNT(*) FROM t WHERE event_type LIKE 'Order%' AND stream_name LIKE 'o%'"
              + " GROUP BY 1, 2 ORDER BY 1, 2"),
      new Case("SELECT COUNT(*) AS n, COUNT(entity_id) AS e FROM events WHERE entity_id LIKE '%'"
          + " AND event_type LIKE 'Item%'", "filters=[[LIKE(event_type, 'Item%'), IS NOT NULL(entity_id)]]",
          "SELECT COUNT(*), COUNT(entity_id) FROM t WHERE entity_id LIKE '%' AND event_type LIKE 'Item%'"),
      new Case("SELECT COUNT(*) FROM events WHERE entity_id LIKE 'zzz%'", "filters=[[LIKE(entity_id, 'zzz%')]]",
          "SELECT COUNT(*) FROM t WHERE entity_id LIKE 'zzz%'"),
      new Case("SELECT * FROM events ORDER BY global_seq DESC LIMIT 25", "top=[global_seq DESC 25]",
          "SELECT * EXCLUDE (date) FROM t ORDER BY global_seq DESC LIMIT 25"),
      // Rows tied on recorded_at may be either; the values returned may not.
      new Case("SELECT recorded_at FROM events WHERE event_type = 'OrderPlaced' ORDER BY recorded_at DESC LIMIT 30",
          "top=[recorded_at DESC 30]",
          "SELECT recorded_at FROM t WHERE event_type = 'OrderPlaced' ORDER BY recorded_at DESC LIMIT 30"),
      new Case("SELECT seq, entity_id, payload FROM payments ORDER BY seq LIMIT 7 OFFSET 3", "top=[seq ASC 10]",
          "SELECT seq, entity_id, payload FROM t WHERE stream_name = 'payments' ORDER BY seq LIMIT 7 OFFSET 3"),
      new Case("SELECT FLOOR(recorded_at TO DAY) AS d, event_type, COUNT(*) AS n FROM events"
          + " WHERE recorded_at >= TIMESTAMP '2026-10-14 12:00:00' GROUP BY FLOOR(recorded_at TO DAY), event_type"
          + " ORDER BY d, event_type", "aggregate=[group [FLOOR(recorded_at, 86400000 ms), event_type] [COUNT(*)]]",
          "SELECT date_trunc('day', recorded_at) AS d, event_type, COUNT(*) FROM t"
              + " WHERE recorded_at >= TIMESTAMPTZ '2026-10-14 12:00:00+00' GROUP BY 1, 2 ORDER BY d, event_type"),
      // Calcite's week starts on Sunday, DuckDB's (ISO) on Monday.
      new Case("SELECT FLOOR(recorded_at TO WEEK) AS w, COUNT(*) AS n, MIN(seq) AS s FROM events"
          + " GROUP BY FLOOR(recorded_at TO WEEK) ORDER BY w", "aggregate=[group [FLOOR(recorded_at, WEEK)]",
          "SELECT date_trunc('week', recorded_at + INTERVAL 1 DAY) - INTERVAL 1 DAY AS w, COUNT(*), MIN(seq) FROM t"
              + " GROUP BY 1 ORDER BY w"),
      new Case("SELECT stream_name, FLOOR(recorded_at TO MONTH) AS m, FLOOR(recorded_at TO QUARTER) AS q,"
          + " FLOOR(recorded_at TO YEAR) AS y, COUNT(*) AS n FROM events WHERE event_type IN ('OrderPlaced', 'Captured')"
          + " GROUP BY stream_name, FLOOR(recorded_at TO MONTH), FLOOR(recorded_at TO QUARTER), FLOOR(recorded_at TO YEAR)"
          + " ORDER BY stream_name, m", "aggregate=[group [stream_name, FLOOR(recorded_at, MONTH), FLOOR(recorded_at, QUARTER)",
          "SELECT stream_name, date_trunc('month', recorded_at) AS m, date_trunc('quarter', recorded_at),"
              + " date_trunc('year', recorded_at), COUNT(*) FROM t WHERE event_type IN ('OrderPlaced', 'Captured')"
              + " GROUP BY 1, 2, 3, 4 ORDER BY stream_name, m"),
      new Case("SELECT recorded_at FROM events WHERE " + DAY + " ORDER BY recorded_at LIMIT 3",
          "top=[recorded_at ASC 3]", "SELECT recorded_at FROM t WHERE " + DUCK_DAY + " ORDER BY recorded_at LIMIT 3"));

  @TempDir Path dir;
  @TempDir Path memtableDir;

  /**
   * A store in the folder with the shop history, flushed once after {@code flushAfter} events,
   * registered so that embedded connections share it; the caller releases it.
   */
  private static EventStore shopHistory(Path folder, long events, long flushAfter) throws Exception {
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    EventStore store = EventStore.open(StoreOptions.builder(folder).clock(clock).backgroundFlush(false)
        // The states are the test's to choose: compaction runs when it says.
        .backgroundCompaction(false)
        // Small chunks, so that the memtable holds sealed ones (dictionaries, entity indexes) too.
        .memtableChunkRows(1_000).build());
    StoreRegistry.register(store);
    new ShopHistoryGenerator(store, clock, events, ShopHistoryGenerator.SEED).run(flushAfter);
    clock.release();
    return store;
  }

  @Test
  void pushedQueriesAnswerAsUnpushedOnesAndAsDuckDbDoInEveryState() throws Exception {
    long events = ShopHistoryGenerator.Size.SMALL.events;
    EventStore store = shopHistory(dir, events, events / 2);
    try {
      try (Connection c = embedded(dir, true); Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO events (stream_name, event_type, payload) VALUES"
            + " ('audit', 'Checked', '{}'), ('audit', 'Checked', '{}')");
        s.executeUpdate("INSERT INTO orders (event_type, payload) VALUES ('Note', '{}')");
      }
      assertTrue(store.status().memtableRows() > 0 && store.status().flushedRows() > 0, "half flushed");
      compareWithoutPushdown(dir, "half flushed");
      store.flush();
      assertEquals(0, store.status().memtableRows());
      List<List<String>> flushed = compareWithoutPushdown(dir, "flushed");
      compareWithDuckDb(dir, flushed);
      assertTrue(store.compact() > 0, "the two flushes left days of two files each");
      assertEquals(0, store.status().replacedFiles(), "replaced files are deleted at once when no query reads them");
      List<List<String>> compacted = compareWithoutPushdown(dir, "compacted");
      assertEquals(flushed, compacted, "compaction changes no answer");
      compareWithDuckDb(dir, compacted);
    } finally {
      StoreRegistry.release(dir);
    }

    EventStore memtableOnly = shopHistory(memtableDir, 8_000, Long.MAX_VALUE);
    try {
      assertEquals(0, memtableOnly.status().flushedRows());
      compareWithoutPushdown(memtableDir, "memtable only");
    } finally {
      StoreRegistry.release(memtableDir);
    }
  }

  @Test
  void preparedParametersArePushedAndAnswerAsUnpushed() throws Exception {
    shopHistory(dir, 20_000, 10_000);
    try {
      String sql = "SELECT COUNT(*), MIN(seq) FROM events WHERE stream_name = ? AND recorded_at >= ?"
          + " AND recorded_at < ? AND global_seq > ?";
      List<List<List<String>>> answers = new ArrayList<>();
      for (boolean pushdown : new boolean[] {true, false}) {
        List<List<String>> perStream = new ArrayList<>();
        try (Connection c = embedded(dir, pushdown); PreparedStatement p = c.prepareStatement(sql)) {
          for (String stream : new String[] {"orders", "carts", "nope"}) {
            p.setString(1, stream);
            p.setTimestamp(2, Timestamp.valueOf("2026-10-02 00:00:00"), utc());
            p.setTimestamp(3, Timestamp.valueOf("2026-10-03 12:00:00"), utc());
            p.setLong(4, 500);
            perStream.add(rows(p.executeQuery()));
          }
        }
        answers.add(perStream);
      }
      List<List<String>> pushed = answers.get(0);
      assertEquals(answers.get(1), pushed, "pushed and unpushed answers for orders, carts, nope");
      assertTrue(!pushed.get(0).equals(List.of("[0 | null]")), "orders has events that day: " + pushed);
      assertEquals(List.of("[0 | null]"), pushed.get(2), "no stream 'nope'");
    } finally {
      StoreRegistry.release(dir);
    }
  }

  private List<List<String>> compareWithoutPushdown(Path folder, String state) throws Exception {
    List<List<String>> pushedAnswers = new ArrayList<>();
    try (Connection pushed = embedded(folder, true); Connection plain = embedded(folder, false);
         Statement p = pushed.createStatement(); Statement q = plain.createStatement()) {
      for (Case c : CASES) {
        String plan = plan(p, c.sql());
        assertTrue(plan.contains(c.pushed()), state + ": expected " + c.pushed() + " in the plan of "
            + c.sql() + "\n" + plan);
        assertTrue(!plan(q, c.sql()).contains("filters=") && !plan(q, c.sql()).contains("aggregate=")
            && !plan(q, c.sql()).contains("json="),
            "with pushdown off nothing is pushed: " + plan(q, c.sql()));
        List<String> a = inOrder(c.sql(), rows(p.executeQuery(c.sql())));
        List<String> b = inOrder(c.sql(), rows(q.executeQuery(c.sql())));
        assertEquals(b, a, state + ": " + c.sql());
        pushedAnswers.add(a);
      }
    }
    return pushedAnswers;
  }

  private void compareWithDuckDb(Path folder, List<List<String>> answers) throws Exception {
    String files = folder.resolve("events").toString().replace("'", "''") + "/**/*.parquet";
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("CREATE VIEW t AS SELECT * FROM read_parquet('" + files + "', hive_partitioning = true)");
      for (int i = 0; i < CASES.size(); i++) {
        assertEquals(answers.get(i), inOrder(CASES.get(i).sql(), rows(s.executeQuery(CASES.get(i).duck()))),
            "DuckDB: " + CASES.get(i).sql());
      }
    }
  }

  /** The rows as SQL orders them, or sorted where the query leaves the order open. */
  private static List<String> inOrder(String sql, List<String> rows) {
    if (!sql.contains("ORDER BY")) {
      rows.sort(null);
    }
    return rows;
  }

  private static Connection embedded(Path folder, boolean pushdown) throws Exception {
    Class.forName("org.annals.engine.jdbc.EmbeddedDriver");
    Properties p = new Properties();
    p.setProperty("pushdown", Boolean.toString(pushdown));
    return DriverManager.getConnection("jdbc:annals:embedded:" + folder, p);
  }

  private static String plan(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Calendar utc() {
    return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
  }

  /**
   * Rows as text, the same whoever answered: numbers as integers where they are whole, times as
   * epoch milliseconds, NULL for null.
   */
  private static List<String> rows(ResultSet rs) throws Exception {
    List<String> out = new ArrayList<>();
    try (rs) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          values.add(value(rs, md, i));
        }
        out.add(values.toString().replace(", ", " | "));
      }
    }
    return out;
  }

  private static String value(ResultSet rs, ResultSetMetaData md, int i) throws Exception {
    Object v = rs.getObject(i);
    if (v == null) {
      return "null";
    }
    return switch (md.getColumnType(i)) {
      case Types.TIMESTAMP -> Long.toString(rs.getTimestamp(i, utc()).getTime());
      case Types.TIMESTAMP_WITH_TIMEZONE -> Long.toString(rs.getObject(i, OffsetDateTime.class).toInstant().toEpochMilli());
      case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> Long.toString(rs.getLong(i));
      default -> v instanceof Number n ? new java.math.BigDecimal(n.toString()).stripTrailingZeros().toPlainString() : v.toString();
    };
  }
}
