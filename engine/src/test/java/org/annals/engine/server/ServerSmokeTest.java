package org.annals.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSmokeTest {
  @TempDir Path dir;

  @Test
  void smoke() throws Exception {
    EventStore store = EventStore.open(StoreOptions.builder(dir).backgroundFlush(false).build());
    try (AnnalsServer server = AnnalsServer.start(store, ServerConfig.defaults("127.0.0.1", 0))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/streams/orders/events"))
          .POST(HttpRequest.BodyPublishers.ofString("[{\"event_type\":\"OrderPlaced\",\"entity_id\":\"o-1\",\"payload\":{\"amount\":5}}]"))
          .build(), HttpResponse.BodyHandlers.ofString());
      System.out.println(r.statusCode() + " " + r.body());
      for (String ser : new String[] {"protobuf", "json"}) {
        try (Connection c = DriverManager.getConnection("jdbc:avatica:remote:url=" + server.url() + ";serialization=" + ser);
             Statement s = c.createStatement()) {
          s.executeUpdate("INSERT INTO orders (entity_id, event_type, payload) VALUES ('o-1', 'Paid', '{}')");
          try (ResultSet rs = s.executeQuery("SELECT entity_id, version, recorded_at FROM orders")) {
            while (rs.next()) {
              System.out.println(ser + " " + rs.getString(1) + " " + rs.getLong(2) + " " + rs.getTimestamp(3));
            }
          }
          SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate(
              "INSERT INTO orders (entity_id, event_type, payload, version) VALUES ('o-1', 'X', '{}', 0)"));
          System.out.println(e.getSQLState() + " :: " + e.getMessage());
          e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT nope FROM orders"));
          System.out.println(e.getSQLState() + " :: " + e.getMessage());
          try (ResultSet rs = c.getMetaData().getColumns(null, "annals", "events", "recorded_at")) {
            assertTrue(rs.next());
            System.out.println(rs.getString("COLUMN_NAME") + " " + rs.getInt("DATA_TYPE") + " " + rs.getString("TYPE_NAME"));
          }
        }
      }
      Properties bad = new Properties();
      bad.setProperty("model", "inline:{version: '1.0', schemas: [{type: 'custom', name: 'x', factory: 'com.example.Evil'}]}");
      SQLException e = assertThrows(SQLException.class,
          () -> DriverManager.getConnection("jdbc:avatica:remote:url=" + server.url(), bad).createStatement().executeQuery("select 1"));
      System.out.println(e.getSQLState() + " :: " + e.getMessage());
    }
  }
}
