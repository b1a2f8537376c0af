package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every example in {@code sql-examples/queries} through the thin driver against a server on
 * the small shop history, twice: first with about half of the events only in the WAL (and the
 * memtable), then with everything flushed to Parquet. Both runs must give the expected answer.
 * Set {@code -Dannals.examples.update=true} to rewrite the expected files from the answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExampleQueriesTest {
  private static final Path QUERIES = Path.of("queries");

  @TempDir static Path dir;
  private AnnalsServer server;
  private ThinDriver driver;
  private long events;

  @BeforeAll
  void start() throws Exception {
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    // No background compaction: DuckDB globs the folder, and a merge under way leaves its inputs
    // beside its output until they are deleted, which DuckDB would count twice.
    EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false)
        .backgroundCompaction(false).build());
    long half = ShopHistoryGenerator.Size.SMALL.events / 2;
    events = new ShopHistoryGenerator(store, clock, ShopHistoryGenerator.Size.SMALL.events,
        ShopHistoryGenerator.SEED).run(half);
    clock.release();
    server = AnnalsServer.start(store, ServerConfig.defaults("127.0.0.1", 0));
    driver = ThinDriver.load();
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  @Test
  @Order(1)
  void everyExampleAnswersAsExpectedBeforeAndAfterTheFlush() throws Exception {
    List<ExampleQuery> examples = ExampleQuery.loadAll(QUERIES);
    assertTrue(examples.size() >= 12, "at least 12 examples, found " + examples.size());
    long memtable = server.store().status().memtableRows();
    assertTrue(memtable > events / 3 && memtable < events * 2 / 3,
        "about half of the " + events + " events are only in the WAL: " + memtable);
    List<List<String>> inWal = run(examples);
    server.store().flush();
    assertEquals(0, server.store().status().memtableRows());
    List<List<String>> flushed = run(examples);
    if (Boolean.getBoolean("annals.examples.update")) {
      writeExpected(examples, inWal, flushed);
      Assumptions.abort("expected files rewritten from this run; rerun without"
          + " -Dannals.examples.update to compare against them");
    }
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      ExampleQuery q = examples.get(i);
      Path walFile = q.expectedFile("wal.expected");
      compare(q, "with half the events in the WAL",
          Files.exists(walFile) ? walFile : q.expectedFile("expected"), inWal.get(i), failures);
      compare(q, "fully flushed", q.expectedFile("expected"), flushed.get(i), failures);
    }
    assertTrue(failures.isEmpty(), String.join("\n\n", failures));
  }

  /**
   * An independent check of the expected answers: DuckDB, reading the flushed Parquet files
   * directly, must agree with three of them.
   */
  @Test
  @Order(2)
  void duckDbReadingTheParquetFilesAgreesWithTheExpectedAnswers() throws Exception {
    server.store().flush();
    String files = "read_parquet('" + dir.resolve("events").toString().replace("'", "''")
        + "/**/*.parquet', hive_partitioning = false)";
    try (Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:")) {
      assertEquals(expectedRows("06_revenue_by_currency"), duckRows(duck,
          "SELECT json_extract_string(payload, '$.currency') AS currency,"
              + " SUM(CASE WHEN event_type = 'Captured' THEN CAST(json_extract_string(payload, '$.amount') AS DECIMAL(12, 2)) ELSE 0 END),"
              + " SUM(CASE WHEN event_type = 'Refunded' THEN CAST(json_extract_string(payload, '$.amount') AS DECIMAL(12, 2)) ELSE 0 END),"
              + " SUM(CASE WHEN event_type = 'Captured' THEN CAST(json_extract_string(payload, '$.amount') AS DECIMAL(12, 2))"
              + " WHEN event_type = 'Refunded' THEN -CAST(json_extract_string(payload, '$.amount') AS DECIMAL(12, 2)) ELSE 0 END) AS net"
              + " FROM " + files + " WHERE stream_name = 'payments' AND event_type IN ('Captured', 'Refunded')"
              + " GROUP BY 1 ORDER BY net DESC"));
      assertEquals(expectedRows("02_current_order_state"), duckRows(duck,
          "SELECT state, COUNT(*) AS n FROM (SELECT entity_id, arg_max(event_type, version) AS state"
              + " FROM " + files + " WHERE stream_name = 'orders' GROUP BY entity_id)"
              + " GROUP BY state ORDER BY n DESC, state"));
      String field = "json_extract_string(payload, '$.%s')";
      assertEquals(expectedRows("17_checkout_funnel_typed"), duckRows(duck,
          ("WITH carts AS (SELECT entity_id AS cart_id, MIN(" + field + ") AS currency FROM " + files
              + " WHERE stream_name = 'carts' AND event_type = 'ItemAdded' GROUP BY entity_id),"
              + " checkouts AS (SELECT entity_id AS cart_id, " + field + " AS order_id FROM " + files
              + " WHERE stream_name = 'carts' AND event_type = 'CheckedOut'),"
              + " captured AS (SELECT " + field + " AS order_id, SUM(CAST(" + field + " AS DOUBLE)) AS amount FROM " + files
              + " WHERE stream_name = 'payments' AND event_type = 'Captured' GROUP BY 1)"
              + " SELECT c.currency, COUNT(*), COUNT(k.cart_id), COUNT(p.order_id),"
              + " CAST(ROUND(100.0 * COUNT(k.cart_id) / COUNT(*), 1) AS DECIMAL(5, 1)),"
              + " CAST(ROUND(100.0 * COUNT(p.order_id) / COUNT(k.cart_id), 1) AS DECIMAL(5, 1)),"
              + " CAST(ROUND(SUM(p.amount), 2) AS DECIMAL(14, 2))"
              + " FROM carts c LEFT JOIN checkouts k ON k.cart_id = c.cart_id LEFT JOIN captured p ON p.order_id = k.order_id"
              + " GROUP BY 1 ORDER BY 1").formatted("currency", "order_id", "order_id", "amount")),
          "the typed tables' funnel, from the JSON as DuckDB reads it");
    }
  }

  /**
   * Each example's plan shows the work its file says is pushed into the storage scan, and no
   * plan falls back to Calcite's interpreter: losing a pushdown fails here, not only in a
   * benchmark.
   */
  @Test
  @Order(3)
  void everyExamplePushesItsWorkIntoTheScan() throws Exception {
    List<String> failures = new ArrayList<>();
    try (Connection c = driver.connect(server.jdbcUrl())) {
      for (ExampleQuery q : ExampleQuery.loadAll(QUERIES)) {
        String plan = q.explain(c);
        for (String pushed : q.plan()) {
          if (!plan.contains(pushed)) {
            failures.add(q.name() + ": expected " + pushed + " in\n" + plan);
          }
        }
        if (plan.contains("Interpreter") || plan.contains("Bindable")) {
          failures.add(q.name() + " runs interpreted:\n" + plan);
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n\n", failures));
  }

  private static List<String> expectedRows(String name) throws Exception {
    List<String> lines = Files.readAllLines(QUERIES.resolve(name + ".expected"), StandardCharsets.UTF_8);
    return lines.subList(1, lines.size());
  }

  private static List<String> duckRows(Connection duck, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (java.sql.Statement s = duck.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          values.add(rs.getString(i));
        }
        rows.add(String.join(ExampleQuery.SEPARATOR, values));
      }
    }
    return rows;
  }

  private List<List<String>> run(List<ExampleQuery> examples) throws Exception {
    List<List<String>> results = new ArrayList<>();
    try (Connection c = driver.connect(server.jdbcUrl())) {
      for (ExampleQuery q : examples) {
        assertTrue(!q.question().isBlank(), q.file() + " opens with a comment stating its question");
        results.add(q.run(c));
      }
    }
    return results;
  }

  private static void compare(ExampleQuery q, String state, Path expectedFile, List<String> actual,
      List<String> failures) throws Exception {
    List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      failures.add(q.name() + " " + state + ": expected (" + expectedFile + ")\n"
          + String.join("\n", expected) + "\nbut got\n" + String.join("\n", actual));
    }
  }

  /**
   * Writes the answers. Only the system-table examples answer differently while events are still
   * in the WAL; those get a second file, {@code NAME.wal.expected}, for the first run.
   */
  private static void writeExpected(List<ExampleQuery> examples, List<List<String>> inWal,
      List<List<String>> flushed) throws Exception {
    for (int i = 0; i < examples.size(); i++) {
      ExampleQuery q = examples.get(i);
      Files.write(q.expectedFile("expected"), flushed.get(i), StandardCharsets.UTF_8);
      Path walFile = q.expectedFile("wal.expected");
      if (inWal.get(i).equals(flushed.get(i))) {
        Files.deleteIfExists(walFile);
      } else {
        Files.write(walFile, inWal.get(i), StandardCharsets.UTF_8);
      }
    }
  }
}
