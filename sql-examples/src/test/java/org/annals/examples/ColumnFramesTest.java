package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.annals.engine.server.AnnalsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin driver takes result frames in columns ({@code frames=columns}, its default): they must
 * give the very values Avatica's rows give ({@code frames=rows}), for every type a result holds,
 * from scans and from results that go the JDBC way, and be smaller on the wire than the rows and
 * than JSON. Frames of 64 rows make every result span many; some rows are still in the memtable.
 */
class ColumnFramesTest {
  private static final List<String> QUERIES = List.of(
      // A bare scan: frames from the scan's batches. metadata is mostly null.
      "SELECT * FROM events",
      // The JDBC way, a value of each type, nulls among them; DECIMAL and REAL go cell by cell.
      "SELECT global_seq, CAST(version AS INTEGER) AS i, CAST(version AS SMALLINT) AS s,"
          + " CAST(version AS TINYINT) AS t, CAST(seq AS DOUBLE) / 3 AS d, version > 2 AS b,"
          + " CAST(seq AS DECIMAL(12, 2)) / 7 AS quotient, CAST(seq AS REAL) / 3 AS r,"
          + " CAST(recorded_at AS DATE) AS on_day, CAST(recorded_at AS TIME) AS time_of_day, recorded_at,"
          + " CASE WHEN MOD(seq, 3) = 0 THEN NULL ELSE event_type END AS maybe,"
          + " CAST(NULL AS VARCHAR(5)) AS never, UPPER(entity_id) AS upper_entity, metadata,"
          + " CASE WHEN MOD(seq, 2) = 0 THEN 1.5 ELSE NULL END AS half"
          + " FROM events WHERE seq >= 0",
      // A pushed filter and a projection in another order: still a bare scan.
      "SELECT payload, recorded_at, stream_name, seq FROM events WHERE stream_name = 'notes' OR seq < 150");

  @TempDir static Path dir;
  private static ShopServer shop;
  private static AnnalsServer server;
  private static ThinDriver driver;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 900, 0, 64);
    server = shop.server;
    driver = ThinDriver.load();
    try (Connection c = driver.connect(server.jdbcUrl());
         PreparedStatement p = c.prepareStatement(
             "INSERT INTO events (stream_name, entity_id, event_type, payload) VALUES ('notes', ?, 'Noted', ?)")) {
      // Text beyond ASCII, an empty field and an equal text twice, in the memtable.
      for (String text : List.of("crème brûlée ✓ 😀", "", "same", "same")) {
        p.setString(1, "n-" + text.length());
        p.setString(2, "{\"text\":\"" + text + "\"}");
        p.executeUpdate();
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  private static Connection connect(String url, String frames) throws SQLException {
    Properties info = new Properties();
    if (frames != null) {
      info.setProperty("frames", frames);
    }
    return driver.connect(url, info);
  }

  /** Every value of every row ({@link RenderedRows}). */
  private static List<String> rows(Connection c, String sql) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setFetchSize(500);
      try (ResultSet rs = p.executeQuery()) {
        return RenderedRows.of(rs);
      }
    }
  }

  @Test
  void columnsGiveTheValuesRowsGive() throws Exception {
    try (Connection columns = connect(server.jdbcUrl(), null);
         Connection rows = connect(server.jdbcUrl(), "rows")) {
      for (String sql : QUERIES) {
        List<String> expected = rows(rows, sql);
        assertTrue(expected.size() > 300, sql + ": " + expected.size() + " rows");
        assertEquals(expected, rows(columns, sql), sql);
      }
      List<String> notes = rows(columns, QUERIES.get(2));
      assertTrue(notes.stream().anyMatch(r -> r.contains("crème brûlée ✓ 😀")), "non-ASCII text survives");
      assertTrue(notes.stream().filter(r -> r.contains("{\"text\":\"same\"}")).count() == 2, "a repeated text");
      List<String> typed = rows(columns, QUERIES.get(1));
      for (String type : List.of("Long:", "Integer:", "Short:", "Byte:", "Double:", "Boolean:", "BigDecimal:",
          "Float:", "Date:", "Time:", "Timestamp:", "String:")) {
        assertTrue(typed.get(1).contains(type) || typed.get(2).contains(type), type + " in " + typed.get(1));
      }
    }
  }

  @Test
  void framesTakesRowsOrColumnsOnly() {
    SQLException e = assertThrows(SQLException.class, () -> connect(server.jdbcUrl(), "bogus"));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("'frames' is 'bogus'; it takes rows or columns"), e.getMessage());
  }

  @Test
  void columnsAreSmallerOnTheWireThanRowsAndJson() throws Exception {
    try (CountingProxy proxy = CountingProxy.start(server.port())) {
      String url = "jdbc:annals://127.0.0.1:" + proxy.port();
      long columns = bytes(proxy, url, null);
      long rows = bytes(proxy, url, "rows");
      long json = bytes(proxy, url + "?serialization=json", null);
      assertTrue(columns < rows, "columns " + columns + " bytes, rows " + rows);
      assertTrue(columns < json, "columns " + columns + " bytes, JSON " + json);
    }
  }

  private static long bytes(CountingProxy proxy, String url, String frames) throws SQLException {
    try (Connection c = connect(url, frames)) {
      proxy.takeBytesFromServer();
      assertTrue(rows(c, QUERIES.get(0)).size() > 900);
      return proxy.takeBytesFromServer();
    }
  }
}
