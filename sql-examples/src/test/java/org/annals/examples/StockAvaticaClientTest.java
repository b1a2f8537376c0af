package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Avatica's own remote driver ({@code jdbc:avatica:remote:}, the plain avatica jar, as BI tools
 * and the {@code annals sql} shell use it) reads the same values as the thin driver, in both
 * serializations, from results whose frames come from the scan's batches and from results that go
 * the JDBC way. Frames of 50 rows make every result span many.
 */
class StockAvaticaClientTest {
  private static final List<String> QUERIES = List.of(
      "SELECT * FROM events",
      "SELECT recorded_at, event_type, global_seq, metadata FROM events WHERE stream_name = 'orders'",
      "SELECT stream_name, UPPER(event_type), version + 1, recorded_at FROM events WHERE version > 0");

  @TempDir static Path dir;
  private static EventStore store;
  private static AnnalsServer server;
  private static ThinDriver thin;

  @BeforeAll
  static void start() throws Exception {
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build());
    new ShopHistoryGenerator(store, clock, 1_800, ShopHistoryGenerator.SEED).run();
    store.flush();
    clock.release();
    server = AnnalsServer.start(store, new ServerConfig("127.0.0.1", 0, 50, ServerConfig.DEFAULT_MAX_REQUEST_BYTES));
    thin = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    store.close();
  }

  /** Every value of every row: getObject, and getString beside it (the text a BI tool shows). */
  private static List<String> rows(Connection c, String sql, String stream) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql + (stream == null ? "" : " AND stream_name = ?"))) {
      p.setFetchSize(200);
      if (stream != null) {
        p.setString(1, stream);
      }
      try (ResultSet rs = p.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = rs.getObject(i);
            row.append(value == null ? "null" : value.getClass().getSimpleName() + ":" + value)
                .append('/').append(rs.getString(i)).append(' ');
          }
          rows.add(row.toString());
        }
      }
    }
    return rows;
  }

  @ParameterizedTest
  @ValueSource(strings = {"protobuf", "json"})
  void readsWhatTheThinDriverReads(String serialization) throws Exception {
    String stock = "jdbc:avatica:remote:url=" + server.url() + ";serialization=" + serialization;
    try (Connection avatica = DriverManager.getConnection(stock);
         Connection annals = thin.connect(server.jdbcUrl() + "?serialization=" + serialization)) {
      assertTrue(avatica.getClass().getName().startsWith("org.apache.calcite.avatica."), avatica.getClass().getName());
      for (String sql : QUERIES) {
        List<String> expected = rows(annals, sql, null);
        assertTrue(expected.size() > 500, sql + ": " + expected.size() + " rows");
        assertEquals(expected, rows(avatica, sql, null), sql);
      }
      String filtered = QUERIES.get(2);
      assertEquals(rows(annals, filtered, "payments"), rows(avatica, filtered, "payments"));
    }
  }
}
