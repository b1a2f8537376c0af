package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Statement.cancel()} and {@code setQueryTimeout} reach the server (its {@code POST /cancel})
 * and stop the statement's work there, through the shaded driver alone: the statement fails with
 * SQLState 57014 ({@link SQLTimeoutException} for a timeout) and runs again afterwards. The server
 * here has no limit of its own, so nothing but the client's cancel ends these queries: the slow
 * one matches a backtracking pattern against every payload repeated a hundred times (its scan
 * checks as it reads); the product joins the events three times on a column of a few values, some
 * 10^10 rows built from inputs read long before (only the joins' own checks can stop it). Either
 * runs for minutes at least; the bounds on each test only keep a broken cancel from hanging the build.
 */
class StatementCancelTest {
  private static final String SLOW = "SELECT COUNT(*) FROM events WHERE REPEAT(payload, 100) LIKE '%a%b%c%d%e%f%g%h%zzz%'";
  private static final String PRODUCT = "SELECT COUNT(*) FROM events a JOIN events b ON a.event_type = b.event_type"
      + " JOIN events c ON b.event_type = c.event_type";
  private static final Duration HANG = Duration.ofMinutes(2);

  @TempDir static Path dir;
  private static ShopServer shop;
  private static ThinDriver driver;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 5_000, 0, 100);
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {SLOW, PRODUCT})
  void aQueryTimeoutStopsAStatementThatThenRunsAgain(String sql) {
    assertTimeoutPreemptively(HANG, () -> {
      try (Connection c = driver.connect(shop.jdbcUrl()); Statement s = c.createStatement()) {
        s.setQueryTimeout(1);
        SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> firstRow(s.executeQuery(sql)));
        assertEquals("57014", e.getSQLState());
        assertTrue(e.getMessage().contains("query timeout of 1 s"), e.getMessage());
        s.setQueryTimeout(0);
        assertEquals(shop.store.eventCount(), firstRow(s.executeQuery("SELECT COUNT(*) FROM events")));
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {SLOW, PRODUCT})
  void aQueryTimeoutStopsAPreparedStatementEachTimeItRuns(String sql) {
    assertTimeoutPreemptively(HANG, () -> {
      try (Connection c = driver.connect(shop.jdbcUrl()); PreparedStatement p = c.prepareStatement(sql)) {
        p.setQueryTimeout(1);
        for (int run = 0; run < 2; run++) {
          SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> firstRow(p.executeQuery()));
          assertEquals("57014", e.getSQLState());
        }
        assertEquals(shop.store.eventCount(), count(c));
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {SLOW, PRODUCT})
  void cancelFromAnotherThreadStopsTheStatementOnTheServer(String sql) {
    assertTimeoutPreemptively(HANG, () -> {
      try (Connection c = driver.connect(shop.jdbcUrl()); Statement s = c.createStatement()) {
        CompletableFuture<Long> running = CompletableFuture.supplyAsync(() -> {
          try {
            return firstRow(s.executeQuery(sql));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
        // A cancel that arrives before the execution starts is forgotten by it, as JDBC allows:
        // the test cancels until the statement stops.
        while (!running.isDone()) {
          s.cancel();
          try {
            running.get(500, TimeUnit.MILLISECONDS);
          } catch (TimeoutException stillRunning) {
            // cancel again
          } catch (Exception failed) {
            break;
          }
        }
        Throwable failure = assertThrows(Exception.class, running::join).getCause().getCause();
        SQLException e = assertInstanceOf(SQLException.class, failure);
        assertEquals("57014", e.getSQLState());
        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        assertEquals(shop.store.eventCount(), firstRow(s.executeQuery("SELECT COUNT(*) FROM events")));
      }
    });
  }

  /** The timeout fires while the application reads: the fetch that meets it fails, checked. */
  @Test
  void aQueryTimeoutStopsAResultBeingRead() {
    assertTimeoutPreemptively(HANG, () -> {
      try (Connection c = driver.connect(shop.jdbcUrl()); Statement s = c.createStatement()) {
        s.setQueryTimeout(1);
        s.setFetchSize(100);
        try (ResultSet rs = s.executeQuery("SELECT * FROM events")) {
          SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> {
            while (rs.next()) {
              Thread.sleep(5);
            }
          });
          assertEquals("57014", e.getSQLState());
        }
        s.setQueryTimeout(0);
        assertEquals(shop.store.eventCount(), firstRow(s.executeQuery("SELECT COUNT(*) FROM events")));
      }
    });
  }

  /**
   * A connection's requests go one at a time: the second statement waits behind the first, and
   * its timeout fires before its execution reaches the server. The cancel, sent at once, is kept
   * there for that execution, which then stops as it starts.
   */
  @Test
  void aTimeoutThatFiresWhileTheExecutionWaitsInLineStopsIt() {
    assertTimeoutPreemptively(HANG, () -> {
      try (Connection c = driver.connect(shop.jdbcUrl()); Statement first = c.createStatement();
          Statement second = c.createStatement()) {
        CompletableFuture<Long> ahead = CompletableFuture.supplyAsync(() -> {
          try {
            return firstRow(first.executeQuery(PRODUCT));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
        Thread.sleep(500);
        second.setQueryTimeout(1);
        CompletableFuture<Long> behind = CompletableFuture.supplyAsync(() -> {
          try {
            return firstRow(second.executeQuery(SLOW));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
        Thread.sleep(3_000);
        first.cancel();
        assertThrows(Exception.class, ahead::join);
        Throwable failure = assertThrows(Exception.class, behind::join).getCause().getCause();
        assertInstanceOf(SQLTimeoutException.class, failure);
      }
    });
  }

  @Test
  void stoppingTheServerCancelsWhatRunsAtOnce(@TempDir Path own) {
    assertTimeoutPreemptively(HANG, () -> {
      ShopServer stopping = ShopServer.start(own, 2_000, 0, 100);
      Statement s = driver.connect(stopping.jdbcUrl()).createStatement();
      CompletableFuture<Long> running = CompletableFuture.supplyAsync(() -> {
        try {
          // On this smaller history the product needs two more joins to run for hours.
          return firstRow(s.executeQuery(PRODUCT + " JOIN events d ON c.event_type = d.event_type"
              + " JOIN events e ON d.event_type = e.event_type"));
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(1_000);
      stopping.close();
      Throwable failure = assertThrows(Exception.class, running::join).getCause().getCause();
      // The stop's own reply (57P01), or none if the stop closed the connection before it was written.
      String state = assertInstanceOf(SQLException.class, failure).getSQLState();
      assertTrue(state.equals("57P01") || state.equals("08006"), state);
      assertFalse(s.getConnection().isValid(2), "a connection to a stopped server is not valid");
      s.getConnection().close();
      // The server runs in this JVM: no thread of it may still be joining rows.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (joining() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(joining(), "a server thread still runs the join after the server stopped");
    });
  }

  @Test
  void executeUpdateRefusesAQuery() throws SQLException {
    try (Connection c = driver.connect(shop.jdbcUrl()); Statement s = c.createStatement();
        PreparedStatement p = c.prepareStatement("SELECT 1")) {
      SQLException plain = assertThrows(SQLException.class, () -> s.executeUpdate("SELECT 1"));
      assertEquals("07000", plain.getSQLState());
      assertTrue(plain.getMessage().contains("run it with executeQuery or execute"), plain.getMessage());
      SQLException prepared = assertThrows(SQLException.class, p::executeUpdate);
      assertEquals("07000", prepared.getSQLState());
      assertEquals(shop.store.eventCount(), count(c));
    }
  }

  @Test
  void theCancelEndpointNamesWhatItCannotCancelAndRefusesWhatIsNoCancel() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI cancel = URI.create(shop.server.url() + "/cancel");
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(cancel)
        .POST(HttpRequest.BodyPublishers.ofString("{\"connection_id\": \"no-such-connection\", \"statement_id\": 1}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, unknown.statusCode());
    assertTrue(unknown.body().contains("\"cancelled\":false"), unknown.body());
    assertTrue(unknown.body().contains("connection no-such-connection is not open"), unknown.body());

    HttpResponse<String> malformed = http.send(HttpRequest.newBuilder(cancel)
        .POST(HttpRequest.BodyPublishers.ofString("{\"statement_id\": \"1\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, malformed.statusCode());
    assertTrue(malformed.body().contains("a cancel is a JSON object"), malformed.body());

    HttpResponse<String> get = http.send(HttpRequest.newBuilder(cancel).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
  }

  private static boolean joining() {
    return Thread.getAllStackTraces().values().stream().anyMatch(stack -> java.util.Arrays.stream(stack)
        .anyMatch(frame -> frame.getClassName().startsWith("org.apache.calcite.linq4j.EnumerableDefaults")));
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      return firstRow(s.executeQuery("SELECT COUNT(*) FROM events"));
    }
  }

  private static long firstRow(ResultSet rs) throws SQLException {
    try (rs) {
      assertTrue(rs.next());
      return rs.getLong(1);
    }
  }
}
