package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.server.ServerLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits on what one statement, connection or request may take, from the outside: SQL too
 * long or nested too deeply is refused before Calcite spends minutes or its stack on it, a
 * statement too large to compile says so, a connection holds a bounded number of statements, and
 * request bodies in flight are bounded over all clients. Each refusal says the limit and leaves
 * the store and the connection as they were.
 */
class ServerLimitsTest {
  private static final int MAX_SQL_CHARS = 300_000;
  private static final int STATEMENTS = 5;
  private static final long BODY = 1024 * 1024;

  @TempDir static Path dir;
  private static ShopServer shop;
  private static ThinDriver driver;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 300, 0, ServerConfig.defaults("127.0.0.1", 0).withLimits(ServerLimits.defaults()
        .withSql(MAX_SQL_CHARS, 50)
        .withConnections(ServerLimits.DEFAULT_MAX_CONNECTIONS, ServerLimits.DEFAULT_MAX_CONNECTIONS_PER_USER, STATEMENTS)
        .withRequestBytes(BODY, 2 * BODY)));
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  private static void refused(Statement s, String sql, String state, String message) {
    SQLException e = assertThrows(SQLException.class, () -> s.execute(sql));
    // The statement is not repeated: some are hundreds of kilobytes long.
    String shown = e.getMessage().length() > 500 ? e.getMessage().substring(0, 500) + "..." : e.getMessage();
    assertEquals(state, e.getSQLState(), shown);
    assertTrue(e.getMessage().contains(message), shown);
  }

  private static long count(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void sqlTooLongOrTooDeepIsRefusedAndTheConnectionGoesOn() throws SQLException {
    long events = shop.store.eventCount();
    StringBuilder longList = new StringBuilder("SELECT COUNT(*) FROM events WHERE entity_id IN ('x'");
    while (longList.length() <= MAX_SQL_CHARS) {
      longList.append(", 'customer-000000'");
    }
    try (Connection c = driver.connect(shop.jdbcUrl()); Statement s = c.createStatement()) {
      refused(s, longList.append(")").toString(), "54000", "more than the 300000 a statement may have (--max-sql-chars)");
      refused(s, "SELECT '" + "x".repeat((int) BODY) + "'", "54000", "larger than the server accepts (its --max-request-bytes)");
      refused(s, "SELECT " + "(".repeat(51) + "1" + ")".repeat(51), "54001",
          "nests parentheses more than 50 deep, the most allowed (--max-sql-depth)");
      // Parentheses inside a literal are text, not nesting; closing ones in a comment buy no depth.
      try (ResultSet rs = s.executeQuery("SELECT '" + "(".repeat(60) + "'")) {
        assertTrue(rs.next());
      }
      refused(s, "SELECT 1 /* " + ")".repeat(40) + " */ + " + "(".repeat(51) + "1" + ")".repeat(51), "54001",
          "nests parentheses more than 50 deep");
      refused(s, "SELECT " + "1 + ".repeat(8_000) + "1", "54001", "too deeply nested to plan");
      assertEquals(events, count(s), "the connection still serves");
    }
  }

  @Test
  void anInsertTooLargeToCompileSaysSoAndAppendsNothing() throws SQLException {
    StringBuilder insert = new StringBuilder("INSERT INTO events (stream_name, event_type, entity_id, payload) VALUES ");
    for (int i = 0; i < 6_000; i++) {
      insert.append(i == 0 ? "" : ", ").append("('bulk', 'Loaded', 'e-").append(i).append("', '{}')");
    }
    long events = shop.store.eventCount();
    try (Connection c = driver.connect(shop.jdbcUrl()); Statement s = c.createStatement()) {
      refused(s, insert.toString(), "54001", "too large to compile: append at most about 1,000 rows");
      assertEquals(events, count(s));
    }
    assertEquals(events, shop.store.eventCount());
  }

  @Test
  void aConnectionHoldsABoundedNumberOfStatements() throws SQLException {
    try (Connection c = driver.connect(shop.jdbcUrl())) {
      List<Statement> open = new ArrayList<>();
      for (int i = 0; i < STATEMENTS; i++) {
        open.add(c.createStatement());
      }
      SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute("SELECT 1"));
      assertEquals("53400", e.getSQLState());
      assertTrue(e.getMessage().contains("statements open, the most one connection may"), e.getMessage());
      e = assertThrows(SQLException.class, () -> c.prepareStatement("SELECT 1"));
      assertEquals("53400", e.getSQLState());
      open.remove(0).close();
      try (Statement s = c.createStatement()) {
        assertTrue(count(s) > 0);
      }
      for (Statement s : open) {
        s.close();
      }
    }
  }

  /**
   * A raw Avatica fetch that asks for 2^31-1 rows (what a negative or huge fetch size becomes)
   * gets one frame of at most 10,000 rows, not the whole result in one frame.
   */
  @Test
  void aFetchOfAllRowsAtOnceGetsAFrameOfAtMostTenThousand() throws Exception {
    String connection = java.util.UUID.randomUUID().toString();
    avatica("{\"request\": \"openConnection\", \"connectionId\": \"" + connection + "\"}");
    JsonNode statement = avatica("{\"request\": \"createStatement\", \"connectionId\": \"" + connection + "\"}");
    int id = statement.get("statementId").asInt();
    JsonNode executed = avatica("{\"request\": \"prepareAndExecute\", \"connectionId\": \"" + connection
        + "\", \"statementId\": " + id + ", \"sql\": \"SELECT a.global_seq FROM events a, events b\","
        + " \"maxRowCount\": -1, \"maxRowsInFirstFrame\": 1}");
    assertEquals("executeResults", executed.get("response").asText(), executed.toString());
    JsonNode fetched = avatica("{\"request\": \"fetch\", \"connectionId\": \"" + connection + "\", \"statementId\": "
        + id + ", \"offset\": 1, \"fetchMaxRowCount\": 2147483647}");
    JsonNode frame = fetched.get("frame");
    assertEquals(10_000, frame.get("rows").size());
    assertFalse(frame.get("done").asBoolean());
    avatica("{\"request\": \"closeConnection\", \"connectionId\": \"" + connection + "\"}");
  }

  private static JsonNode avatica(String request) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(shop.server.url()))
        .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(response.body());
  }

  /**
   * Two clients that send all but the last byte of bodies of the largest size hold the whole
   * budget (what a body holds is what has arrived); a third request waits, then gets 503 with
   * Retry-After; once they are gone, appends go through again. Nothing of the refused request is
   * stored.
   */
  @Test
  void requestBodiesInFlightAreBoundedOverAllClients() throws Exception {
    long events = shop.store.eventCount();
    ExecutorService trickle = Executors.newFixedThreadPool(2);
    List<Socket> slow = new ArrayList<>();
    try {
      List<Future<?>> senders = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Socket socket = new Socket("127.0.0.1", shop.server.port());
        slow.add(socket);
        senders.add(trickle.submit(() -> sendAllButTheLastByte(socket)));
      }
      Thread.sleep(500);
      HttpResponse<String> refused = append();
      assertEquals(503, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("its most at once (--max-request-bytes-in-flight)"), refused.body());
      assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
      for (Socket socket : slow) {
        socket.close();
      }
      for (Future<?> sender : senders) {
        sender.get(30, TimeUnit.SECONDS);
      }
      HttpResponse<String> accepted = append();
      assertEquals(200, accepted.statusCode(), accepted.body());
      assertEquals(events + 1, shop.store.eventCount());
    } finally {
      trickle.shutdownNow();
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  /** Sends a body of the largest size but its last byte, which never comes. */
  private static Void sendAllButTheLastByte(Socket socket) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /streams/slow/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + BODY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(" ".repeat((int) BODY - 1).getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (Exception closed) {
      // The test closes the socket when it has seen what it wanted.
    }
    return null;
  }

  private static HttpResponse<String> append() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(shop.server.url() + "/streams/audit/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("[{\"event_type\":\"Checked\",\"entity_id\":\"a\",\"payload\":{}}]"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
