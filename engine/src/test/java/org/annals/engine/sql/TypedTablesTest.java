package org.annals.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema {@code types} over embedded JDBC: the columns inferred from payloads, their values, their growth. */
class TypedTablesTest {
  @TempDir Path dir;

  private Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:annals:embedded:" + dir);
  }

  private static void append(Statement s, String stream, String type, String payload) throws SQLException {
    s.executeUpdate("INSERT INTO events (stream_name, entity_id, event_type, payload) VALUES ('" + stream
        + "', 'e1', '" + type + "', '" + payload.replace("'", "''") + "')");
  }

  @Test
  void eachTopLevelFieldIsAColumnOfItsInferredType() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      append(s, "orders", "OrderPlaced", "{\"amount\": 12, \"price\": 1.5, \"paid\": true,"
          + " \"at\": \"2024-05-01T10:00:00Z\", \"note\": \"first\", \"items\": [1, 2], \"address\": {\"city\": \"Oslo\"}}");
      append(s, "orders", "OrderPlaced", "{\"amount\": 30, \"price\": 2, \"paid\": false,"
          + " \"at\": \"2024-05-02 12:30:00\", \"note\": null}");
      append(s, "orders", "OrderShipped", "{\"carrier\": \"DHL\"}");
      try (ResultSet rs = s.executeQuery("SELECT * FROM types.orders_order_placed ORDER BY seq")) {
        ResultSetMetaData md = rs.getMetaData();
        List<String> names = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          names.add(md.getColumnName(i));
          types.add(md.getColumnType(i));
        }
        assertEquals(List.of("stream_name", "seq", "global_seq", "entity_id", "version", "event_id", "event_type",
            "recorded_at", "payload", "metadata", "amount", "price", "paid", "at", "note", "items", "address"), names);
        assertEquals(List.of(Types.BIGINT, Types.DOUBLE, Types.BOOLEAN, Types.TIMESTAMP, Types.VARCHAR, Types.VARCHAR,
            Types.VARCHAR), types.subList(10, 17));
        assertTrue(rs.next());
        assertEquals(12L, rs.getLong("amount"));
        assertEquals(1.5, rs.getDouble("price"));
        assertEquals(true, rs.getObject("paid"));
        assertEquals(Timestamp.valueOf("2024-05-01 10:00:00"), rs.getTimestamp("at"));
        assertEquals("first", rs.getString("note"));
        assertEquals("[1, 2]", rs.getString("items"));
        assertEquals("{\"city\": \"Oslo\"}", rs.getString("address"));
        assertTrue(rs.next());
        assertEquals(30L, rs.getLong("amount"));
        assertEquals(2.0, rs.getDouble("price"));
        assertEquals(false, rs.getObject("paid"));
        assertEquals(Timestamp.valueOf("2024-05-02 12:30:00"), rs.getTimestamp("at"));
        assertNull(rs.getString("note"));
        assertNull(rs.getString("items"));
        assertTrue(!rs.next(), "the OrderShipped event is in its own table");
      }
      assertEquals(List.of("DHL"), strings(s, "SELECT carrier FROM types.orders_order_shipped"));
    }
  }

  @Test
  void filtersAndAggregatesOverTypedColumnsAnswerAsOverJson() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (int i = 1; i <= 20; i++) {
        append(s, "payments", "PaymentCaptured", "{\"amount\": " + i + ".25, \"currency\": \"" + (i % 2 == 0 ? "EUR" : "USD") + "\"}");
        append(s, "payments", "PaymentFailed", "{\"amount\": 1000, \"reason\": \"declined\"}");
      }
      assertEquals(List.of("EUR 112.5", "USD 102.5"), strings(s, "SELECT currency || ' ' || CAST(SUM(amount) AS VARCHAR)"
          + " FROM types.payments_payment_captured WHERE amount > 1 GROUP BY currency ORDER BY currency"));
      assertEquals(List.of("20"), strings(s, "SELECT CAST(COUNT(*) AS VARCHAR) FROM types.payments_payment_captured"));
      assertEquals(List.of("5"), strings(s, "SELECT CAST(COUNT(*) AS VARCHAR) FROM types.payments_payment_captured"
          + " WHERE currency = 'EUR' AND seq < 20"));
      String plan = strings(s, "EXPLAIN PLAN FOR SELECT currency, SUM(amount) FROM types.payments_payment_captured"
          + " WHERE amount > 1 AND currency IN ('EUR', 'SEK') GROUP BY currency").get(0);
      assertTrue(plan.contains("filters=[[=(event_type, 'PaymentCaptured'), >(amount, 1.0E0), OR(=(currency, 'EUR'),"
          + " =(currency, 'SEK'))]]") && plan.contains("json=[[payload $.amount DOUBLE, payload $.currency VARCHAR]]")
          && plan.contains("aggregate=[group [currency] [SUM(amount)]]") && !plan.contains("EnumerableAggregate")
          && !plan.contains("EnumerableCalc"),
          "the scan filters on both fields and sums as it reads them, parsing no other field: " + plan);
      String count = strings(s, "EXPLAIN PLAN FOR SELECT COUNT(*) FROM types.payments_payment_captured").get(0);
      assertTrue(count.contains("aggregate=[group [] [COUNT(*)]]") && !count.contains("json="),
          "a count reads no payload and is computed in storage: " + count);
    }
  }

  /** Every pushed form over typed columns answers as Calcite does over the unpushed scan. */
  @Test
  void pushedFiltersAndAggregatesOnTypedColumnsAnswerAsWithoutPushdown() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (int i = 0; i < 30; i++) {
        String payload = "{\"n\": " + (i % 7) + ", \"x\": " + (i / 4.0) + ", \"ok\": " + (i % 3 == 0)
            + ", \"seen_at\": \"2026-10-" + (10 + i % 5) + "T08:00:00Z\"" + (i % 5 == 0 ? "" : ", \"tag\": \"t" + (i % 4) + "\"")
            + "}";
        append(s, "things", "Measured", payload);
      }
    }
    List<String> queries = List.of(
        "SELECT tag, COUNT(*), COUNT(tag), SUM(n), SUM(x), MIN(x), MAX(seen_at), MIN(tag) FROM types.things_measured GROUP BY tag",
        "SELECT COUNT(*), SUM(n), MAX(x) FROM types.things_measured WHERE tag IS NULL",
        "SELECT COUNT(*), SUM(x) FROM types.things_measured WHERE n >= 3 AND x < 5.5 AND NOT (tag = 't1')",
        "SELECT seq, n FROM types.things_measured WHERE tag <> 't2' OR n BETWEEN 1 AND 2",
        "SELECT seq FROM types.things_measured WHERE ok AND seen_at > TIMESTAMP '2026-10-12 00:00:00'",
        "SELECT seq FROM types.things_measured WHERE tag IN ('t0', 't3') AND n NOT IN (0, 6)",
        "SELECT SUM(n) FROM types.things_measured WHERE n > 100",
        "SELECT ok, COUNT(*) FROM types.things_measured WHERE x > 2 GROUP BY ok",
        "SELECT entity_id, SUM(n) FROM types.things_measured GROUP BY entity_id",
        "SELECT seq, x FROM types.things_measured WHERE x > 3 ORDER BY seq DESC LIMIT 3",
        "SELECT FLOOR(recorded_at TO DAY), SUM(x), COUNT(tag) FROM types.things_measured GROUP BY FLOOR(recorded_at TO DAY)",
        "SELECT FLOOR(seen_at TO MONTH), FLOOR(seen_at TO HOUR), MAX(n) FROM types.things_measured"
            + " GROUP BY FLOOR(seen_at TO MONTH), FLOOR(seen_at TO HOUR)");
    java.util.Properties off = new java.util.Properties();
    off.setProperty("pushdown", "false");
    try (Connection pushed = connect(); Connection plain = DriverManager.getConnection("jdbc:annals:embedded:" + dir, off);
        Statement a = pushed.createStatement(); Statement b = plain.createStatement()) {
      for (String q : queries) {
        List<String> expected = rows(b, q);
        assertTrue(!expected.isEmpty() || q.contains("n > 100"), q);
        assertEquals(expected, rows(a, q), q + "\n" + strings(a, "EXPLAIN PLAN FOR " + q).get(0));
      }
      String plan = strings(a, "EXPLAIN PLAN FOR " + queries.get(2)).get(0);
      assertTrue(plan.contains("aggregate=[group [] [COUNT(*), SUM(x)]]") && plan.contains(">=(n, 3)"), plan);
      String daily = strings(a, "EXPLAIN PLAN FOR " + queries.get(11)).get(0);
      assertTrue(daily.contains("aggregate=[group [FLOOR(seen_at, MONTH), FLOOR(seen_at, 3600000 ms)] [MAX(n)]]"), daily);
      // A ? is taken as its type says, with or without pushdown; a value that cannot be is refused.
      // Each with the literal Calcite reads the ? as, without pushdown.
      List<Object[]> bound = List.of(new Object[] {"tag = ?", 3, "tag = '3'"}, new Object[] {"n = ?", 6.5, "n = 6"},
          new Object[] {"x > ?", "2.5", "x > 2.5"}, new Object[] {"ok = ?", "TRUE", "ok"},
          new Object[] {"seen_at < ?", java.sql.Timestamp.valueOf("2026-10-12 00:00:00"),
              "seen_at < TIMESTAMP '2026-10-12 00:00:00'"});
      String counted = "SELECT COUNT(*) FROM types.things_measured WHERE ";
      for (Object[] binding : bound) {
        assertEquals(Long.parseLong(strings(b, counted + binding[2]).get(0)), count(pushed, counted + binding[0], binding[1]),
            binding[0] + " with " + binding[1]);
      }
      assertEquals(count(plain, counted + "n = ?", 6.5), count(pushed, counted + "n = ?", 6.5),
          "6.5 bound to a BIGINT ? is 6 with and without pushdown");
      SQLException notABoolean = assertThrows(SQLException.class,
          () -> count(pushed, "SELECT COUNT(*) FROM types.things_measured WHERE ok = ?", "x"));
      assertEquals("22023", notABoolean.getSQLState());
      assertTrue(notABoolean.getMessage().contains("cannot be compared with ok, which holds booleans"),
          notABoolean.getMessage());
      SQLException notANumber = assertThrows(SQLException.class,
          () -> count(pushed, "SELECT COUNT(*) FROM types.things_measured WHERE x > ?", "abc"));
      assertTrue(notANumber.getMessage().contains("cannot be compared with x, which holds numbers"),
          notANumber.getMessage());
    }
  }

  private static long count(Connection c, String sql, Object parameter) throws SQLException {
    try (java.sql.PreparedStatement p = c.prepareStatement(sql)) {
      p.setObject(1, parameter);
      try (ResultSet rs = p.executeQuery()) {
        assertTrue(rs.next());
        return rs.getLong(1);
      }
    }
  }

  /** All columns of every row, as text, sorted: the same rows in any order compare equal. */
  private static List<String> rows(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(rs.getString(i)).append('|');
        }
        out.add(row.toString());
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void aFieldThatAppearsLaterIsANewLastColumnAndATypeThatStopsFittingWidens() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      append(s, "carts", "ItemAdded", "{\"qty\": 1, \"sku\": \"A\"}");
      assertEquals(List.of("qty BIGINT", "sku VARCHAR"), columns(s, "carts_item_added"));
      append(s, "carts", "ItemAdded", "{\"qty\": 2.5, \"sku\": 7, \"gift\": true}");
      assertEquals(List.of("qty DOUBLE", "sku VARCHAR", "gift BOOLEAN"), columns(s, "carts_item_added"));
      assertEquals(List.of("1.0 A null", "2.5 7 TRUE"), strings(s, "SELECT CAST(qty AS VARCHAR) || ' ' || sku || ' '"
          + " || COALESCE(CAST(gift AS VARCHAR), 'null') FROM types.carts_item_added ORDER BY seq"));
      assertEquals(List.of("qty DOUBLE BIGINT 1 2", "sku VARCHAR VARCHAR null 2", "gift BOOLEAN BOOLEAN null 1"),
          strings(s, "SELECT column_name || ' ' || sql_type || ' ' || first_type || ' '"
              + " || COALESCE(CAST(widened_at_global_seq AS VARCHAR), 'null') || ' ' || CAST(events AS VARCHAR)"
              + " FROM annals_system.typed_columns WHERE table_name = 'carts_item_added' ORDER BY ordinal_position"));
    }
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertEquals(List.of("qty DOUBLE", "sku VARCHAR", "gift BOOLEAN"), columns(s, "carts_item_added"),
          "the columns are the same after the store is opened again");
    }
  }

  /** A statement prepared before a column widened does not read the new values as NULL: it says to prepare again. */
  @Test
  void aPreparedStatementThatAColumnOutgrewSaysSo() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      append(s, "meters", "Read", "{\"kwh\": 3, \"at\": \"2026-10-10T12:00Z\", \"dup\": 1, \"dup\": \"x\"}");
      assertEquals(List.of("kwh BIGINT", "at TIMESTAMP", "dup VARCHAR"), columns(s, "meters_read"));
      assertEquals(List.of("1"), strings(s, "SELECT CAST(events AS VARCHAR) FROM annals_system.typed_columns"
          + " WHERE table_name = 'meters_read' AND column_name = 'dup'"), "a key given twice counts once");
      try (java.sql.PreparedStatement sum = c.prepareStatement("SELECT SUM(kwh) FROM types.meters_read")) {
        try (ResultSet rs = sum.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(3, rs.getLong(1));
        }
        append(s, "meters", "Read", "{\"kwh\": 2.5}");
        SQLException outgrown = assertThrows(SQLException.class, () -> sum.executeQuery().next());
        assertTrue(outgrown.getMessage().contains("payload field kwh holds 2.5, which is not BIGINT")
            && outgrown.getMessage().contains("prepare it again"), outgrown.getMessage());
      }
      assertEquals(List.of("5.5"), strings(s, "SELECT CAST(SUM(kwh) AS VARCHAR) FROM types.meters_read"));
      try (java.sql.PreparedStatement day = c.prepareStatement("SELECT COUNT(*) FROM types.meters_read WHERE \"at\" < ?")) {
        day.setDate(1, java.sql.Date.valueOf("2026-10-11"));
        SQLException date = assertThrows(SQLException.class, () -> day.executeQuery().next());
        assertEquals("22023", date.getSQLState(), date.getMessage());
      }
      c.setSchema("types");
      SQLException insert = assertThrows(SQLException.class, () -> s.executeUpdate(
          "INSERT INTO meters_read (stream_name, event_type, payload) VALUES ('meters', 'Read', '{}')"));
      assertTrue(insert.getMessage().contains("INSERT INTO meters ("), insert.getMessage());
    }
  }

  @Test
  void namesAreSnakeCaseAndAFieldNamedLikeAnEnvelopeColumnIsPrefixed() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      append(s, "web-site", "HTTPRequestLogged", "{\"seq\": 5, \"path\": \"/\"}");
      assertEquals(List.of("payload_seq BIGINT", "path VARCHAR"), columns(s, "web_site_http_request_logged"));
      assertEquals(List.of("5 0"), strings(s, "SELECT CAST(payload_seq AS VARCHAR) || ' ' || CAST(seq AS VARCHAR)"
          + " FROM types.web_site_http_request_logged"));
      SQLException insert = assertThrows(SQLException.class, () -> s.executeUpdate(
          "INSERT INTO types.web_site_http_request_logged (stream_name, event_type, payload) VALUES ('x', 'y', '{}')"));
      assertEquals("0A000", insert.getSQLState());
      assertTrue(insert.getMessage().contains("read-only") && insert.getMessage().contains("INSERT INTO \"web-site\" ("),
          insert.getMessage());
      SQLException reserved = assertThrows(SQLException.class, () -> s.executeQuery("SELECT value FROM types.x"));
      assertTrue(reserved.getMessage().contains("\"value\" is a reserved word"), reserved.getMessage());
    }
  }

  @Test
  void asOfReadsTheTypedTableAsItStood() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      append(s, "orders", "OrderPlaced", "{\"amount\": 1}");
      String first = strings(s, "SELECT recorded_at FROM orders").get(0);
      Thread.sleep(20);
      append(s, "orders", "OrderPlaced", "{\"amount\": 2}");
      assertEquals(List.of("3"), strings(s, "SELECT CAST(SUM(amount) AS VARCHAR) FROM types.orders_order_placed"));
      assertEquals(List.of("1"), strings(s, "SELECT CAST(SUM(amount) AS VARCHAR) FROM types.orders_order_placed"
          + " FOR SYSTEM_TIME AS OF TIMESTAMP '" + first + "'"));
    }
  }

  private static List<String> columns(Statement s, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("SELECT * FROM types." + table + " WHERE 1 = 0")) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 11; i <= md.getColumnCount(); i++) {
        out.add(md.getColumnName(i) + " " + md.getColumnTypeName(i));
      }
    }
    return out;
  }

  private static List<String> strings(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
