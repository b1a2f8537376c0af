package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.annals.engine.server.AnnalsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The thin driver fetches a result's next frame while the application reads the current one.
 * Rows fetched ahead must never be lost or misplaced: result sets read in turns on one connection,
 * a statement executed again part-way, a result closed part-way and a prepared statement run
 * twice all return every row, in order. Frames of 7 rows make every result span many of them.
 */
class InterleavedResultSetsTest {
  private static final String SQL = "SELECT global_seq, event_type FROM events WHERE stream_name = ?";

  @TempDir static Path dir;
  private static ShopServer shop;
  private static AnnalsServer server;
  private static ThinDriver driver;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 0, 600, 7);
    server = shop.server;
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  private static Connection connect(String serialization) throws SQLException {
    return driver.connect(server.jdbcUrl() + "?serialization=" + serialization);
  }

  /** The rows of one stream, read alone, as "global_seq type". */
  private static List<String> alone(Connection c, String stream) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(SQL)) {
      p.setString(1, stream);
      try (ResultSet rs = p.executeQuery()) {
        return rows(rs, Integer.MAX_VALUE);
      }
    }
  }

  private static List<String> rows(ResultSet rs, int most) throws SQLException {
    List<String> rows = new ArrayList<>();
    while (rows.size() < most && rs.next()) {
      rows.add(rs.getLong(1) + " " + rs.getString(2));
    }
    return rows;
  }

  @ParameterizedTest
  @ValueSource(strings = {"protobuf", "json"})
  void resultSetsReadInTurnsOnOneConnectionEachGetEveryRowInOrder(String serialization) throws Exception {
    try (Connection c = connect(serialization)) {
      List<String> orders = alone(c, "orders");
      List<String> payments = alone(c, "payments");
      assertTrue(orders.size() > 50 && payments.size() > 50, orders.size() + " and " + payments.size());
      try (PreparedStatement a = c.prepareStatement(SQL); PreparedStatement b = c.prepareStatement(SQL)) {
        a.setString(1, "orders");
        b.setString(1, "payments");
        try (ResultSet ra = a.executeQuery(); ResultSet rb = b.executeQuery()) {
          List<String> gotA = new ArrayList<>();
          List<String> gotB = new ArrayList<>();
          boolean moreA = true;
          boolean moreB = true;
          while (moreA || moreB) {
            // Three rows of one, then five of the other: never in step with the 7-row frames.
            List<String> stepA = moreA ? rows(ra, 3) : List.of();
            List<String> stepB = moreB ? rows(rb, 5) : List.of();
            moreA = stepA.size() == 3;
            moreB = stepB.size() == 5;
            gotA.addAll(stepA);
            gotB.addAll(stepB);
          }
          assertEquals(orders, gotA);
          assertEquals(payments, gotB);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"protobuf", "json"})
  void aStatementExecutedAgainOrClosedPartWayStartsOverWithEveryRow(String serialization) throws Exception {
    try (Connection c = connect(serialization)) {
      List<String> orders = alone(c, "orders");
      try (PreparedStatement p = c.prepareStatement(SQL)) {
        p.setString(1, "orders");
        try (ResultSet rs = p.executeQuery()) {
          assertEquals(orders.subList(0, 10), rows(rs, 10));
        }
        p.setString(1, "orders");
        try (ResultSet rs = p.executeQuery()) {
          assertEquals(orders.subList(0, 20), rows(rs, 20));
        }
        try (ResultSet rs = p.executeQuery()) {
          assertEquals(orders, rows(rs, Integer.MAX_VALUE));
        }
      }
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT global_seq, event_type FROM events WHERE stream_name = 'orders'")) {
          assertEquals(orders.subList(0, 15), rows(rs, 15));
        }
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events WHERE stream_name = 'orders'")) {
          assertTrue(rs.next());
          assertEquals(orders.size(), rs.getLong(1));
        }
      }
      assertEquals(orders, alone(c, "orders"));
    }
  }
}
