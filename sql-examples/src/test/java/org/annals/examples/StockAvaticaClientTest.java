package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.annals.engine.server.AnnalsServer;
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
  private static ShopServer shop;
  private static AnnalsServer server;
  private static ThinDriver thin;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 1_800, 0, 50);
    server = shop.server;
    thin = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  /** Every value of every row ({@link RenderedRows}). */
  private static List<String> rows(Connection c, String sql, String stream) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql + (stream == null ? "" : " AND stream_name = ?"))) {
      p.setFetchSize(200);
      if (stream != null) {
        p.setString(1, stream);
      }
      try (ResultSet rs = p.executeQuery()) {
        return RenderedRows.of(rs);
      }
    }
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
