package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history as it stood at a moment, through the thin driver: {@code FOR SYSTEM_TIME AS OF} on
 * an events table and the {@code as_of} connection property must hold exactly the events up to
 * that moment, in Parquet files and in the memtable alike, and a current-state query as of a past
 * instant must give what replaying the log up to that instant gives.
 */
class AsOfQueryTest {
  @TempDir static Path dir;
  private static EventStore store;
  private static AnnalsServer server;
  private static ThinDriver driver;
  /** Every event in global_seq order. */
  private static List<Event> log;

  /** @param recordedAt as the server writes it, UTC: yyyy-MM-dd HH:mm:ss.SSS, which sorts as time does */
  private record Event(long globalSeq, String recordedAt, String stream, String entity, Long version,
      String type) {}

  @BeforeAll
  static void start() throws Exception {
    // One history, its first half flushed and the rest in the memtable, recorded minute by minute.
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build());
    new ShopHistoryGenerator(store, clock, 1200, ShopHistoryGenerator.SEED).run(600);
    clock.release();
    server = AnnalsServer.start(store, ServerConfig.defaults("127.0.0.1", 0));
    driver = ThinDriver.load();
    log = new ArrayList<>();
    try (Connection c = driver.connect(server.jdbcUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT global_seq, recorded_at, stream_name, entity_id, version, event_type"
            + " FROM events ORDER BY global_seq")) {
      while (rs.next()) {
        log.add(new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getObject(5, Long.class), rs.getString(6)));
      }
    }
    assertTrue(store.status().memtableRows() > 0 && store.status().flushedFiles() > 0,
        "the history is in files and in the memtable");
  }

  @AfterAll
  static void stop() throws Exception {
    try (EventStore closing = store) {
      server.close();
    }
  }

  /** Moments inside the flushed history, inside the memtable's, before everything and after it. */
  private static List<String> moments() throws IOException {
    long flushed = log.size() - store.status().memtableRows();
    List<String> inside = List.of(log.get((int) flushed / 2).recordedAt(),
        log.get((int) (flushed + log.size()) / 2).recordedAt());
    for (String moment : inside) {
      int then = upTo(moment).size();
      assertTrue(then > 0 && then < log.size() && then != flushed, "a moment inside the history: " + moment);
    }
    return List.of(inside.get(0), inside.get(1), "2000-01-01 00:00:00.000", log.get(log.size() - 1).recordedAt());
  }

  private static List<Event> upTo(String moment) {
    return log.stream().filter(e -> e.recordedAt().compareTo(moment) <= 0).toList();
  }

  private static String literal(String moment) {
    return "TIMESTAMP '" + moment + "'";
  }

  @Test
  void forSystemTimeAsOfHoldsTheEventsRecordedUpToTheMoment() throws Exception {
    try (Connection c = driver.connect(server.jdbcUrl()); Statement s = c.createStatement()) {
      for (String moment : moments()) {
        List<Event> then = upTo(moment);
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(global_seq), MAX(recorded_at) FROM events"
            + " FOR SYSTEM_TIME AS OF " + literal(moment))) {
          rs.next();
          assertEquals(then.size(), rs.getLong(1), "events as of " + moment);
          if (!then.isEmpty()) {
            assertEquals(then.get(then.size() - 1).globalSeq(), rs.getLong(2));
            assertEquals(then.get(then.size() - 1).recordedAt(), rs.getString(3));
          }
        }
        long orders = then.stream().filter(e -> e.stream().equals("orders")).count();
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders FOR SYSTEM_TIME AS OF " + literal(moment)
            + " AS o WHERE o.event_type IS NOT NULL")) {
          rs.next();
          assertEquals(orders, rs.getLong(1), "orders as of " + moment);
        }
      }
    }
  }

  @Test
  void theCurrentStateAsOfAnInstantIsWhatAReplayUpToItGives() throws Exception {
    for (String moment : moments().subList(0, 2)) {
      Map<String, String> replayed = new TreeMap<>();
      for (Event e : upTo(moment)) {
        if (e.stream().equals("orders") && e.entity() != null) {
          replayed.put(e.entity(), e.version() + " " + e.type());
        }
      }
      String asOf = " FOR SYSTEM_TIME AS OF " + literal(moment);
      Map<String, String> queried = new TreeMap<>();
      try (Connection c = driver.connect(server.jdbcUrl()); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT o.entity_id, o.version, o.event_type FROM orders" + asOf + " AS o"
              + " JOIN (SELECT entity_id, MAX(version) AS last FROM orders" + asOf + " GROUP BY entity_id) AS l"
              + " ON o.entity_id = l.entity_id AND o.version = l.last")) {
        while (rs.next()) {
          queried.put(rs.getString(1), rs.getLong(2) + " " + rs.getString(3));
        }
      }
      assertTrue(replayed.size() > 10, "the moment " + moment + " has orders");
      assertEquals(replayed, queried, "each order's latest version and type as of " + moment);
    }
  }

  @Test
  void theAsOfPropertyBoundsEveryTableOfTheConnection() throws Exception {
    String moment = moments().get(1);
    List<Event> then = upTo(moment);
    long seq = log.get(log.size() / 3).globalSeq();
    for (String pushdown : List.of("true", "false")) {
      try (Connection c = connect("as_of", moment, "pushdown", pushdown); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(global_seq) FROM events")) {
        rs.next();
        assertEquals(then.size(), rs.getLong(1), "pushdown=" + pushdown);
        assertEquals(then.get(then.size() - 1).globalSeq(), rs.getLong(2));
      }
      try (Connection c = connect("as_of", Long.toString(seq), "pushdown", pushdown); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(global_seq) FROM payments")) {
        rs.next();
        assertEquals(log.stream().filter(e -> e.globalSeq() <= seq && e.stream().equals("payments")).count(),
            rs.getLong(1), "payments up to global_seq " + seq + ", pushdown=" + pushdown);
        assertTrue(rs.getLong(2) <= seq);
      }
    }
    try (Connection c = driver.connect(server.jdbcUrl() + "?as_of=" + moment.replace(" ", "%20"));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
      rs.next();
      assertEquals(then.size(), rs.getLong(1), "as_of in the thin driver's URL, for tools that take only a URL");
    }
    try (Connection c = driver.connect(server.jdbcUrl()); PreparedStatement p = c.prepareStatement(
        "SELECT COUNT(*) FROM events FOR SYSTEM_TIME AS OF CAST(? AS TIMESTAMP)")) {
      p.setString(1, moment);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        assertEquals(then.size(), rs.getLong(1), "a ? moment, as the README writes it");
      }
      SQLException untyped = assertThrows(SQLException.class,
          () -> c.prepareStatement("SELECT COUNT(*) FROM events FOR SYSTEM_TIME AS OF ?"));
      assertTrue(untyped.getMessage().contains("CAST(? AS TIMESTAMP)"), untyped.getMessage());
    }
    try (Connection c = connect("as_of", moment.replace(' ', 'T') + "Z"); PreparedStatement p =
        c.prepareStatement("SELECT COUNT(*) FROM events WHERE stream_name = ?")) {
      p.setString(1, "orders");
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        assertEquals(then.stream().filter(e -> e.stream().equals("orders")).count(), rs.getLong(1),
            "an instant with its zone, and a prepared statement");
      }
    }
  }

  @Test
  void whatAsOfCannotDoIsRefusedAndChangesNothing() throws Exception {
    SQLException property = assertThrows(SQLException.class, () -> connect("as_of", "yesterday").close());
    assertEquals("08001", property.getSQLState());
    assertTrue(property.getMessage().contains("'yesterday' is neither") && property.getMessage().contains("global_seq"),
        property.getMessage());

    long before = store.eventCount();
    try (Connection c = connect("as_of", "10"); Statement s = c.createStatement()) {
      SQLException append = assertThrows(SQLException.class, () -> s.executeUpdate(
          "INSERT INTO orders (event_type, entity_id, payload) VALUES ('OrderNoted', 'order-1', '{}')"));
      assertEquals("25006", append.getSQLState());
      assertTrue(append.getMessage().contains("as of global_seq 10"), append.getMessage());
    }
    assertEquals(before, store.eventCount());

    try (Connection c = driver.connect(server.jdbcUrl()); Statement s = c.createStatement()) {
      SQLException number = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT COUNT(*) FROM events FOR SYSTEM_TIME AS OF 42"));
      assertEquals("42000", number.getSQLState());
      assertTrue(number.getMessage().contains("expects Timestamp type"), number.getMessage());
      SQLException system = assertThrows(SQLException.class, () -> s.executeQuery(
          "SELECT * FROM annals_system.streams FOR SYSTEM_TIME AS OF TIMESTAMP '2026-10-01 00:00:00'"));
      assertEquals("42000", system.getSQLState());
      assertTrue(system.getMessage().contains("not a temporal table"), system.getMessage());
    }
  }

  private static Connection connect(String... settings) throws SQLException {
    Properties info = new Properties();
    for (int i = 0; i < settings.length; i += 2) {
      info.setProperty(settings[i], settings[i + 1]);
    }
    return driver.connect(server.jdbcUrl(), info);
  }
}
