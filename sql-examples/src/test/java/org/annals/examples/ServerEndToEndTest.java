package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server on a free port, driven from outside: HTTP appends, and JDBC through the shaded
 * thin driver jar loaded alone.
 */
class ServerEndToEndTest {
  @TempDir Path dir;
  private AnnalsServer server;
  private ThinDriver driver;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    EventStore store = EventStore.open(StoreOptions.builder(dir).backgroundFlush(false)
        .maxEventBytes(10_000).build());
    server = AnnalsServer.start(store, ServerConfig.defaults("127.0.0.1", 0));
    driver = ThinDriver.load();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private Connection connect(String serialization) throws SQLException {
    return driver.connect(server.jdbcUrl() + (serialization == null ? "" : "?serialization=" + serialization));
  }

  private HttpResponse<String> post(String stream, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/streams/" + stream + "/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next());
      return rs.getLong(1);
    }
  }

  @Test
  void httpAndJdbcAppendsAreQueryableThroughTheThinDriver() throws Exception {
    HttpResponse<String> r = post("orders", "[{\"event_type\":\"OrderPlaced\",\"entity_id\":\"o-1\","
        + "\"payload\":{\"amount\":12.5,\"currency\":\"EUR\"},\"metadata\":{\"user\":\"ann\"}},"
        + "{\"event_type\":\"OrderPaid\",\"entity_id\":\"o-1\",\"payload\":{\"amount\":12.5},\"expected_version\":0}]");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode events = json.readTree(r.body()).get("events");
    assertEquals(2, events.size());
    assertEquals(1, events.get(1).get("version").asLong());
    assertEquals(1, events.get(1).get("global_seq").asLong());

    for (String serialization : new String[] {null, "json"}) {
      try (Connection c = connect(serialization)) {
        assertEquals("Annals", c.getMetaData().getDatabaseProductName());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (entity_id, event_type,"
            + " payload, version) VALUES (?, 'Note', '{\"by\":\"jdbc\"}', ?)")) {
          long version = count(c, "SELECT MAX(version) FROM orders WHERE entity_id = 'o-1'") + 1;
          ps.setString(1, "o-1");
          ps.setLong(2, version);
          assertEquals(1, ps.executeUpdate());
        }
      }
    }
    try (Connection c = connect(null); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT seq, version, event_type, recorded_at,"
             + " CAST(JSON_VALUE(payload, '$.amount') AS DOUBLE) AS amount,"
             + " JSON_VALUE(metadata, '$.user') AS who FROM orders ORDER BY seq")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getLong("seq") + " " + rs.getLong("version") + " " + rs.getString("event_type")
            + " " + rs.getObject("amount") + " " + rs.getString("who"));
        assertTrue(rs.getTimestamp("recorded_at").getTime() > 0);
      }
      assertEquals(List.of("0 0 OrderPlaced 12.5 ann", "1 1 OrderPaid 12.5 null",
          "2 2 Note null null", "3 3 Note null null"), rows);
    }
  }

  /** A BI tool that takes only a URL can still turn pushdown off; the answers stay the same. */
  @Test
  void pushdownCanBeTurnedOffFromTheUrl() throws Exception {
    assertEquals(200, post("orders", "[{\"event_type\":\"A\",\"entity_id\":\"o-1\",\"payload\":{}},"
        + "{\"event_type\":\"B\",\"entity_id\":\"o-1\",\"payload\":{}}]").statusCode());
    String sql = "SELECT COUNT(*) FROM events WHERE event_type = 'B'";
    try (Connection pushed = connect(null); Connection plain = driver.connect(server.jdbcUrl() + "?pushdown=false")) {
      assertEquals(1, count(pushed, sql));
      assertEquals(1, count(plain, sql));
      assertTrue(plan(pushed, sql).contains("aggregate=[group [] [COUNT(*)]]"), plan(pushed, sql));
      assertTrue(!plan(plain, sql).contains("aggregate=") && !plan(plain, sql).contains("filters="), plan(plain, sql));
    }
    SQLException bad = assertThrows(SQLException.class, () -> driver.connect(server.jdbcUrl() + "?pushdown=maybe"));
    assertEquals("08001", bad.getSQLState());
  }

  private static String plan(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  @Test
  void batchesAndSessionSettingsFailCleanly() throws Exception {
    try (Connection c = connect(null)) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO events (stream_name, event_type, payload) VALUES ('batched', ?, ?)")) {
        ps.setString(1, "Good");
        ps.setString(2, "{}");
        ps.addBatch();
        ps.setString(1, "Bad");
        ps.setString(2, "not json");
        ps.addBatch();
        SQLException e = assertThrows(SQLException.class, ps::executeBatch);
        assertEquals("22023", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertTrue(!e.toString().contains("JdbcMeta"), "no server stack: " + e);
      }
      // Calcite's own metadata schema is not the client's to pick; the refusal comes at once.
      SQLException schema = assertThrows(SQLException.class, () -> c.setSchema("metadata"));
      assertTrue(schema.getMessage().contains("schema 'metadata' does not exist"), schema.getMessage());
      assertEquals("3F000", schema.getSQLState());
      c.setSchema("annals_system");
      assertEquals(1, count(c, "SELECT COUNT(*) FROM status"));
    }
  }

  @Test
  void closingTheServerClosesClientConnectionsAndFlushes() throws Exception {
    Connection open = connect(null);
    try (Statement s = open.createStatement()) {
      s.executeUpdate("INSERT INTO events (stream_name, event_type, payload) VALUES ('kept', 'X', '{}')");
    }
    server.close();
    // Avatica's client reports the refused request as a RuntimeException rather than an
    // SQLException (a driver gap of its own), so a refused connection counts here as well.
    Exception stale = assertThrows(Exception.class,
        () -> open.createStatement().executeQuery("SELECT 1"), "the connection left open no longer answers");
    assertTrue(String.valueOf(stale.getMessage()).contains("Connection refused")
        || stale instanceof SQLException, stale.toString());
    // The open client connection did not keep the store: the folder opens, flushed.
    try (EventStore reopened = EventStore.open(dir)) {
      assertEquals(0, reopened.status().memtableRows(), "flushed on close");
      assertEquals(1, reopened.status().flushedRows());
    }
  }

  @Test
  void payloadsAreStoredExactlyAsSent() throws Exception {
    String payload = "{ \"amount\": 0.1000000000000000055511151231257827, \"id\": 12345678901234567890,"
        + " \"note\": \"caf\u00e9 \\u00e9\", \"nested\": {\"a\": [1, 2.50]} }";
    String metadata = "{\"trace\":\"t-1\"}";
    HttpResponse<String> r = post("exact", "[{\"event_type\":\"T\",\"payload\":" + payload
        + ",\"metadata\":" + metadata + "}]");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(400, post("exact", "[{\"event_type\":\"T\",\"payload\":{},\"payload\":{}}]").statusCode());
    try (Connection c = connect(null); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT payload, metadata FROM exact")) {
      assertTrue(rs.next());
      assertEquals(payload, rs.getString(1));
      assertEquals(metadata, rs.getString(2));
    }
  }

  @Test
  void metadataDescribesTablesAndColumnsWithJdbcTypes() throws Exception {
    assertEquals(200, post("payments", "[{\"event_type\":\"Captured\",\"payload\":{}}]").statusCode());
    try (Connection c = connect(null)) {
      DatabaseMetaData md = c.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = md.getTables(null, "annals", "%", null)) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      assertTrue(tables.containsAll(List.of("events", "payments")), tables.toString());
      Map<String, Integer> types = new HashMap<>();
      Map<String, Integer> nullable = new HashMap<>();
      try (ResultSet rs = md.getColumns(null, "annals", "events", "%")) {
        while (rs.next()) {
          types.put(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
          nullable.put(rs.getString("COLUMN_NAME"), rs.getInt("NULLABLE"));
        }
      }
      assertEquals(Types.TIMESTAMP, types.get("recorded_at"));
      assertEquals(Types.BIGINT, types.get("seq"));
      assertEquals(Types.BIGINT, types.get("global_seq"));
      assertEquals(Types.VARCHAR, types.get("payload"));
      assertEquals(10, types.size(), types.toString());
      assertEquals(DatabaseMetaData.columnNoNulls, nullable.get("event_id"));
      assertEquals(DatabaseMetaData.columnNullable, nullable.get("entity_id"));
      try (ResultSet rs = md.getTables(null, "annals_system", "%", null)) {
        List<String> system = new ArrayList<>();
        while (rs.next()) {
          system.add(rs.getString("TABLE_NAME"));
        }
        assertTrue(system.containsAll(List.of("streams", "files", "status")), system.toString());
      }
    }
  }

  @Test
  void versionConflictsOverBothPaths() throws Exception {
    assertEquals(200, post("accounts", "[{\"event_type\":\"Opened\",\"entity_id\":\"a\",\"payload\":{},"
        + "\"expected_version\":-1}]").statusCode());
    HttpResponse<String> conflict = post("accounts",
        "[{\"event_type\":\"Opened\",\"entity_id\":\"a\",\"payload\":{},\"expected_version\":-1}]");
    assertEquals(409, conflict.statusCode());
    JsonNode body = json.readTree(conflict.body());
    assertEquals(0, body.get("actual_version").asLong());
    assertTrue(body.get("error").asText().contains("entity 'a'"), conflict.body());
    try (Connection c = connect(null); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate(
          "INSERT INTO accounts (entity_id, event_type, payload, version) VALUES ('a', 'X', '{}', 5)"));
      assertEquals("40001", e.getSQLState());
      assertTrue(e.getMessage().contains("at version 0"), e.getMessage());
      assertEquals(1, count(c, "SELECT COUNT(*) FROM accounts"));
    }
  }

  @Test
  void resultsAreIdenticalBeforeAndAfterAFlush() throws Exception {
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 500; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"event_type\":\"T").append(i % 3)
          .append("\",\"entity_id\":\"e-").append(i % 17).append("\",\"payload\":{\"n\":").append(i).append("}}");
    }
    assertEquals(200, post("things", batch.append("]").toString()).statusCode());
    String query = "SELECT entity_id, COUNT(*) AS n, SUM(CAST(JSON_VALUE(payload, '$.n') AS INTEGER)) AS total,"
        + " MAX(version) AS v FROM things WHERE event_type <> 'T2' GROUP BY entity_id ORDER BY entity_id";
    List<String> before = rows(query);
    server.store().flush();
    assertEquals(0, server.store().status().memtableRows());
    assertEquals(before, rows(query));
    assertEquals(17, before.size());
  }

  @Test
  void queriesBesideAFlushLoopNeverSeeDuplicatesOrGaps() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    CountDownLatch enoughQueries = new CountDownLatch(4 * 3);
    CountDownLatch enoughFlushes = new CountDownLatch(4);
    List<Future<?>> work = new ArrayList<>();
    work.add(pool.submit(() -> {
      int n = 0;
      while (!stop.get()) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 50; i++, n++) {
          b.append(i == 0 ? "" : ",").append("{\"event_type\":\"T\",\"payload\":{\"n\":").append(n).append("}}");
        }
        assertEquals(200, post(n % 2 == 0 ? "left" : "right", b.append("]").toString()).statusCode());
        Thread.sleep(5);
      }
      return null;
    }));
    work.add(pool.submit(() -> {
      // Flush as often as a busy server would: each flush adds files the next scans must read.
      while (!stop.get()) {
        server.store().flush();
        enoughFlushes.countDown();
        Thread.sleep(50);
      }
      return null;
    }));
    for (int t = 0; t < 4; t++) {
      work.add(pool.submit(() -> {
        try (Connection c = connect(null); Statement s = c.createStatement()) {
          while (!stop.get()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT global_seq),"
                + " MIN(global_seq), MAX(global_seq) FROM events")) {
              assertTrue(rs.next());
              long total = rs.getLong(1);
              if (total > 0) {
                assertEquals(total, rs.getLong(2), "a row appeared twice");
                assertEquals(0, rs.getLong(3));
                assertEquals(total - 1, rs.getLong(4), "a row is missing");
                // Only a query that saw rows counts: an empty answer checks nothing.
                enoughQueries.countDown();
              }
            }
          }
        }
        return null;
      }));
    }
    // Twelve queries that saw rows, beside at least four flushes; the deadline only stops a hang.
    boolean done = enoughQueries.await(90, TimeUnit.SECONDS) && enoughFlushes.await(90, TimeUnit.SECONDS);
    stop.set(true);
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    assertTrue(done, "queries left: " + enoughQueries.getCount() + ", flushes left: " + enoughFlushes.getCount());
  }

  @Test
  void badInputGetsAClearErrorAndChangesNothing() throws Exception {
    assertEquals(200, post("kept", "[{\"event_type\":\"Kept\",\"payload\":{}}]").statusCode());
    HttpResponse<String> badJson = post("kept", "[{\"event_type\": ");
    assertEquals(400, badJson.statusCode());
    assertTrue(json.readTree(badJson.body()).get("error").asText().contains("not valid JSON"), badJson.body());
    // Jetty itself refuses encoded slashes; names that reach Annals are checked against the rule.
    assertEquals(400, post("..%2F..%2Fetc", "[{\"event_type\":\"X\",\"payload\":{}}]").statusCode());
    assertTrue(post("%2E%2E", "[{\"event_type\":\"X\",\"payload\":{}}]").statusCode() >= 400);
    for (String name : new String[] {".hidden", "-x", "a%20b"}) {
      HttpResponse<String> bad = post(name, "[{\"event_type\":\"X\",\"payload\":{}}]");
      assertEquals(400, bad.statusCode(), name + ": " + bad.body());
      assertTrue(bad.body().contains("invalid stream name"), bad.body());
    }
    String big = "x".repeat(20_000);
    HttpResponse<String> oversize = post("kept", "[{\"event_type\":\"X\",\"payload\":{\"a\":\"" + big + "\"}}]");
    assertEquals(413, oversize.statusCode(), oversize.body());
    HttpResponse<String> unknownField = post("kept", "[{\"event_type\":\"X\",\"payload\":{},\"colour\":1}]");
    assertEquals(400, unknownField.statusCode());

    try (Connection c = connect(null); Statement s = c.createStatement()) {
      expectState("42000", "Encountered", () -> s.executeQuery("SELECT * FROM events WHERE"));
      expectState("42000", "not found", () -> s.executeQuery("SELECT * FROM no_such_stream"));
      expectState("0A000", "immutable", () -> s.executeUpdate("DELETE FROM kept"));
      expectState("0A000", "immutable", () -> s.executeUpdate("UPDATE kept SET event_type = 'Y'"));
      expectState("0A000", "no DDL", () -> s.executeUpdate("CREATE TABLE t (x INT)"));
      expectState("22023", "invalid stream name", () -> s.executeUpdate(
          "INSERT INTO events (stream_name, event_type, payload) VALUES ('../etc', 'X', '{}')"));
      expectState("22023", "not valid JSON", () -> s.executeUpdate(
          "INSERT INTO kept (event_type, payload) VALUES ('X', '{broken')"));
      expectState("54000", "at most 10000 bytes", () -> s.executeUpdate(
          "INSERT INTO kept (event_type, payload) VALUES ('X', '{\"a\":\"" + big + "\"}')"));
      assertEquals(1, count(c, "SELECT COUNT(*) FROM events"));
    }

    System.clearProperty(EvilSchemaFactory.MARK);
    Properties hostile = new Properties();
    hostile.setProperty("model", "inline:{version: '1.0', defaultSchema: 'x', schemas: [{type: 'custom',"
        + " name: 'x', factory: '" + EvilSchemaFactory.class.getName() + "'}]}");
    SQLException refused = assertThrows(SQLException.class, () -> {
      try (Connection c = driver.connect(server.jdbcUrl(), hostile)) {
        count(c, "SELECT COUNT(*) FROM events");
      }
    });
    assertEquals("08001", refused.getSQLState(), refused.getMessage());
    assertTrue(refused.getMessage().contains("'model' is not allowed"), refused.getMessage());
    assertNull(System.getProperty(EvilSchemaFactory.MARK), "the factory class was loaded");
    assertTrue(server.store().streams().stream().noneMatch(n -> n.contains("etc")));
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void expectState(String state, String fragment, Call call) {
    SQLException e = assertThrows(SQLException.class, call::run);
    assertEquals(state, e.getSQLState(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(!e.getMessage().contains("\tat org."), "no server stack trace: " + e.getMessage());
  }

  private List<String> rows(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = connect(null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        out.add(b.toString());
      }
    }
    return out;
  }
}
