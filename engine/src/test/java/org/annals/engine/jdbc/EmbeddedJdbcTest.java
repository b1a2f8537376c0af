package org.annals.engine.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedJdbcTest {
  @TempDir Path dir;

  private Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:annals:embedded:" + dir);
  }

  private static java.util.Properties propertiesWith(String key, String value) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty(key, value);
    return p;
  }

  @Test
  void filtersTheScanCannotApplyStayWithCalcite() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        values.append(i == 0 ? "" : ", ").append("('a', 'T', '{}')");
      }
      for (int i = 0; i < 2; i++) {
        values.append(", ('b', 'T', '{}')");
      }
      assertEquals(7, s.executeUpdate("INSERT INTO events (stream_name, entity_id, event_type, payload) VALUES "
          + values.toString().replace("('", "('things', '")));
      assertEquals(4, count(s, "SELECT COUNT(*) FROM things WHERE version BETWEEN 1 AND 3"));
      assertEquals(4, count(s, "SELECT COUNT(*) FROM things WHERE version >= 1 AND version <= 3"));
      assertEquals(3, count(s, "SELECT COUNT(*) FROM things WHERE seq BETWEEN 2 AND 4"));
      assertEquals(2, count(s, "SELECT COUNT(*) FROM things WHERE entity_id = 'b' AND version IN (0, 1, 7)"));
      assertEquals(0, count(s, "SELECT COUNT(*) FROM things WHERE entity_id = 'a' AND entity_id = 'b'"));
      try (ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR SELECT seq FROM things WHERE version BETWEEN 1 AND 3")) {
        assertTrue(rs.next());
        String plan = rs.getString(1);
        assertTrue(plan.contains("EnumerableCalc") && plan.contains("Sarg[[1L:BIGINT..3L:BIGINT]]")
            && plan.contains("EventTableScan(table=[[annals, things]], columns=[[seq, version]])"),
            "the version range is still evaluated by Calcite, over a scan of the two columns: " + plan);
      }
    }
  }

  /** Plans are reused for the same text; what they read is not. */
  @Test
  void aRepeatedQuerySeesWhatWasAppendedSinceItsLastRun() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      SQLException unknown = assertThrows(SQLException.class, () -> count(s, "SELECT COUNT(*) FROM later"));
      assertEquals("42000", unknown.getSQLState());
      for (int i = 1; i <= 3; i++) {
        s.executeUpdate("INSERT INTO events (stream_name, event_type, payload) VALUES ('later', 'T', '{\"i\": " + i + "}')");
        assertEquals(i, count(s, "SELECT COUNT(*) FROM later"));
        assertEquals(i, count(s, "SELECT COUNT(*) FROM events WHERE stream_name = 'later'"));
        assertEquals(i, count(s, "SELECT MAX(CAST(JSON_VALUE(payload, '$.i') AS INTEGER)) FROM later"));
      }
    }
  }

  /** A BI tool lists tables on a connection it keeps open; a stream and a type that appear later are listed too. */
  @Test
  void tablesThatAppearAfterAListingAreListedByTheNextOne() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO events (stream_name, event_type, payload) VALUES ('first', 'T', '{\"a\": 1}')");
      assertEquals(List.of("annals.first", "types.first_t"), userTables(c));
      s.executeUpdate("INSERT INTO events (stream_name, event_type, payload) VALUES ('second', 'T', '{\"a\": 1}')");
      assertEquals(List.of("annals.first", "annals.second", "types.first_t", "types.second_t"), userTables(c));
    }
  }

  private static List<String> userTables(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
      while (rs.next()) {
        String name = rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME");
        if ((name.startsWith("annals.") && !name.equals("annals.events")) || name.startsWith("types.")) {
          tables.add(name);
        }
      }
    }
    tables.sort(null);
    return tables;
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next());
      return rs.getLong(1);
    }
  }

  @Test
  void insertThenQuery() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertEquals(2, s.executeUpdate("INSERT INTO events (stream_name, entity_id, event_type, payload)"
          + " VALUES ('orders', 'o-1', 'OrderPlaced', '{\"amount\": 12.5}'),"
          + " ('orders', 'o-1', 'OrderPaid', '{\"amount\": 12.5}')"));
      assertEquals(1, s.executeUpdate("INSERT INTO orders (entity_id, event_type, payload, version)"
          + " VALUES ('o-1', 'OrderShipped', '{}', 2)"));
      List<String> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT seq, version, event_type, "
          + "CAST(JSON_VALUE(payload, '$.amount') AS DECIMAL(10,2)) AS amount FROM orders "
          + "WHERE entity_id = 'o-1' ORDER BY version")) {
        while (rs.next()) {
          rows.add(rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getString(3) + "/" + rs.getBigDecimal(4));
        }
      }
      assertEquals(List.of("0/0/OrderPlaced/12.50", "1/1/OrderPaid/12.50", "2/2/OrderShipped/null"), rows);
      try (ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR SELECT event_type FROM orders WHERE entity_id = 'o-1'")) {
        assertTrue(rs.next());
        String plan = rs.getString(1);
        assertTrue(plan.contains("columns=[[event_type]], filters=[[=(entity_id, 'o-1')]]"), plan);
      }
      SQLException conflict = assertThrows(SQLException.class, () -> s.executeUpdate(
          "INSERT INTO orders (entity_id, event_type, payload, version) VALUES ('o-1', 'X', '{}', 1)"));
      assertEquals("40001", conflict.getSQLState());
      assertTrue(conflict.getMessage().contains("the entity is at version 2"), conflict.getMessage());
      SQLException delete = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM orders"));
      assertEquals("0A000", delete.getSQLState());
      assertTrue(delete.getMessage().contains("events are immutable"), delete.getMessage());
      SQLException seq = assertThrows(SQLException.class, () -> s.executeUpdate(
          "INSERT INTO orders (seq, event_type, payload) VALUES (5, 'X', '{}')"));
      assertEquals("42000", seq.getSQLState());
      assertTrue(seq.getMessage().contains("Cannot INSERT into generated column 'seq'"), seq.getMessage());
      SQLException model = assertThrows(SQLException.class, () -> DriverManager.getConnection(
          "jdbc:annals:embedded:" + dir + "-other", propertiesWith("model", "inline:{}")));
      assertEquals("08001", model.getSQLState());
      SQLException frames = assertThrows(SQLException.class, () -> DriverManager.getConnection(
          "jdbc:annals:embedded:" + dir + "-other", propertiesWith("frames", "bogus")));
      assertEquals("08001", frames.getSQLState());
      assertTrue(frames.getMessage().contains("it takes rows or columns"), frames.getMessage());
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM events WHERE entity_id = ? AND seq >= ?")) {
        ps.setString(1, "o-1");
        ps.setLong(2, 1);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(2, rs.getLong(1));
          assertFalse(rs.next());
        }
      }
    }
  }
}
