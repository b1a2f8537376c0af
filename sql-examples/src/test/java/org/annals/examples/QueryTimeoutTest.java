package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.server.ServerLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement that runs past its timeout is stopped on the server (SQLState 57014) and the
 * connection goes on. The server's limit here is 2 s; a client may ask for less, never more. The
 * slow query matches a backtracking pattern against every payload repeated a hundred times: it
 * reads for several seconds on this project's machines without a limit.
 */
class QueryTimeoutTest {
  private static final String SLOW = "SELECT COUNT(*) FROM events"
      + " WHERE REPEAT(payload, 100) LIKE '%a%b%c%d%e%f%g%h%zzz%'";

  @TempDir static Path dir;
  private static ShopServer shop;
  private static ThinDriver driver;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 5_000, 0,
        ServerConfig.defaults("127.0.0.1", 0).withLimits(ServerLimits.defaults().withRowsPerFrame(100).withQueryTimeoutSeconds(2)));
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  private static Connection connect(String queryTimeout) throws SQLException {
    Properties info = new Properties();
    if (queryTimeout != null) {
      info.setProperty("query_timeout", queryTimeout);
    }
    return driver.connect(shop.jdbcUrl(), info);
  }

  private static SQLException stopped(Connection c) {
    return assertThrows(SQLException.class, () -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SLOW)) {
        rs.next();
      }
    });
  }

  @Test
  void theServersLimitStopsASlowQueryAndTheConnectionGoesOn() throws SQLException {
    try (Connection c = connect(null)) {
      SQLException e = stopped(c);
      assertEquals("57014", e.getSQLState());
      assertTrue(e.getMessage().contains("longer than its timeout of 2.0 s"), e.getMessage());
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
        assertTrue(rs.next());
        assertEquals(shop.store.eventCount(), rs.getLong(1));
      }
    }
  }

  /** The joins' own checks stop it: the scans under them finished reading long before. */
  @Test
  void theServersLimitStopsAJoinWhoseProductOutgrowsItsInputs() throws SQLException {
    try (Connection c = connect(null); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events a JOIN events b ON a.event_type = b.event_type"
            + " JOIN events c ON b.event_type = c.event_type")) {
          rs.next();
        }
      });
      assertEquals("57014", e.getSQLState());
      assertTrue(e.getMessage().contains("longer than its timeout of 2.0 s"), e.getMessage());
    }
  }

  @Test
  void aClientMayAskForLessButNotForMore() throws SQLException {
    try (Connection shorter = connect("1")) {
      SQLException e = stopped(shorter);
      assertTrue(e.getMessage().contains("timeout of 1.0 s"), e.getMessage());
    }
    try (Connection longer = connect("100")) {
      SQLException e = stopped(longer);
      assertTrue(e.getMessage().contains("timeout of 2.0 s"), e.getMessage());
    }
  }

  @Test
  void aTimeoutThatIsNoWholeNumberOfSecondsIsRefused() {
    SQLException e = assertThrows(SQLException.class, () -> connect("-1"));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("'query_timeout' is '-1'; it takes a whole number of seconds"), e.getMessage());
  }
}
