package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.server.ServerLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client cannot take what is another's: a connection beyond the server's limit (3 here) is
 * refused and none of the open ones is closed to make room (Avatica's cache dropped its least
 * recently used connection beyond 1,000, whoever's it was); and a request that names a statement
 * of another connection (statement ids are numbered across the server) is refused, sent as a
 * raw Avatica request.
 */
class ConnectionLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static ShopServer shop;
  private static ThinDriver driver;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 500, 0,
        ServerConfig.defaults("127.0.0.1", 0).withLimits(ServerLimits.defaults().withRowsPerFrame(100)
            .withConnections(3, ServerLimits.DEFAULT_MAX_CONNECTIONS_PER_USER, ServerLimits.DEFAULT_MAX_STATEMENTS_PER_CONNECTION)));
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  @Test
  void aConnectionBeyondTheLimitIsRefusedAndNoOpenOneIsClosed() throws SQLException {
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(driver.connect(shop.jdbcUrl()));
      }
      SQLException refused = assertThrows(SQLException.class, () -> driver.connect(shop.jdbcUrl()));
      assertEquals("53300", refused.getSQLState());
      assertTrue(refused.getMessage().contains("the server has its most connections open (3)"), refused.getMessage());
      for (Connection c : open) {
        assertEquals(shop.store.eventCount(), count(c));
      }
      open.remove(0).close();
      try (Connection another = driver.connect(shop.jdbcUrl())) {
        assertEquals(shop.store.eventCount(), count(another));
      }
    } finally {
      for (Connection c : open) {
        c.close();
      }
    }
  }

  @Test
  void aRequestForAnotherConnectionsStatementIsRefused() throws Exception {
    try (Connection owner = driver.connect(shop.jdbcUrl()); Connection other = driver.connect(shop.jdbcUrl());
        Statement s = owner.createStatement()) {
      s.setFetchSize(10);
      ResultSet rs = s.executeQuery("SELECT global_seq FROM events ORDER BY global_seq");
      assertTrue(rs.next());
      int statementId = (int) s.getClass().getMethod("getId").invoke(s);
      String otherId = (String) other.getClass().getField("id").get(other);

      JsonNode fetch = avatica("{\"request\": \"fetch\", \"connectionId\": \"" + otherId + "\", \"statementId\": "
          + statementId + ", \"offset\": 0, \"fetchMaxRowCount\": 10}");
      assertEquals("error", fetch.get("response").asText());
      assertEquals("26000", fetch.get("sqlState").asText());
      JsonNode close = avatica("{\"request\": \"closeStatement\", \"connectionId\": \"" + otherId
          + "\", \"statementId\": " + statementId + "}");
      assertEquals("26000", close.get("sqlState").asText());

      long rows = 1;
      while (rs.next()) {
        rows++;
      }
      assertEquals(shop.store.eventCount(), rows, "the owner reads its result whole");
    }
  }

  private static JsonNode avatica(String request) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(shop.server.url()))
        .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
