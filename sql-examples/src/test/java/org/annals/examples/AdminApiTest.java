package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;
import org.annals.engine.security.PasswordHash;
import org.annals.engine.security.Role;
import org.annals.engine.security.UsersFile;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.server.ServerSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of a running server, from the outside: only the admin role erases entities and
 * sets retention; what it does shows at once in SQL; bad requests are refused with what was wrong.
 */
class AdminApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static ShopServer shop;
  private static ThinDriver driver;

  @BeforeAll
  static void start() throws Exception {
    UsersFile users = new UsersFile(dir.resolve("users.properties"));
    users.put(new UsersFile.User("ada", PasswordHash.of("ada-password".toCharArray()), Role.all()));
    users.put(new UsersFile.User("ann", PasswordHash.of("ann-password".toCharArray()),
        Set.of(Role.READ, Role.APPEND)));
    shop = ShopServer.start(dir.resolve("data"), 2_000, 300, ServerConfig.defaults("127.0.0.1", 0)
        .withSecurity(ServerSecurity.none().withUsers(users.path())));
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  private static HttpResponse<String> call(String user, String method, String path, String contentType, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(shop.server.url() + path))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (user + ":" + user + "-password").getBytes(StandardCharsets.UTF_8)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String query(String sql) throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "ann");
    info.setProperty("password", "ann-password");
    try (Connection c = driver.connect(shop.jdbcUrl(), info); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void anAdminErasesAnEntityAndSqlNoLongerSeesIt() throws Exception {
    String entity = query("SELECT entity_id FROM events WHERE stream_name = 'orders' GROUP BY entity_id"
        + " ORDER BY COUNT(*) DESC, entity_id LIMIT 1");
    long events = Long.parseLong(query("SELECT COUNT(*) FROM orders WHERE entity_id = '" + entity + "'"));
    assertTrue(events > 1, entity + " has " + events + " events");
    String body = "{\"stream\": \"orders\", \"entity_id\": \"" + entity + "\"}";

    HttpResponse<String> refused = call("ann", "POST", "/admin/erase", "application/json", body);
    assertEquals(403, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("takes a user with the admin role"), refused.body());
    assertEquals(Long.toString(events), query("SELECT COUNT(*) FROM orders WHERE entity_id = '" + entity + "'"));

    HttpResponse<String> done = call("ada", "POST", "/admin/erase", "application/json", body);
    assertEquals(200, done.statusCode(), done.body());
    JsonNode reply = JSON.readTree(done.body());
    assertEquals(events, reply.get("events").asLong());
    assertEquals("0", query("SELECT COUNT(*) FROM orders WHERE entity_id = '" + entity + "'"));
    assertEquals("1", query("SELECT COUNT(*) FROM events WHERE stream_name = 'annals_erasures'"
        + " AND JSON_VALUE(payload, '$.requested_by') = 'ada'"));
  }

  @Test
  void anAdminSetsRetentionAndSqlShowsIt() throws Exception {
    HttpResponse<String> refused = call("ann", "PUT", "/admin/retention", "application/json",
        "{\"stream\": \"carts\", \"days\": 3650}");
    assertEquals(403, refused.statusCode(), refused.body());

    HttpResponse<String> set = call("ada", "PUT", "/admin/retention", "application/json",
        "{\"stream\": \"carts\", \"days\": 3650}");
    assertEquals(200, set.statusCode(), set.body());
    assertTrue(set.body().contains("{\"stream\":\"carts\",\"days\":3650,\"events\":null}"), set.body());
    assertEquals("3650", query("SELECT retention_days FROM annals_system.streams WHERE stream_name = 'carts'"));
    HttpResponse<String> counted = call("ada", "PUT", "/admin/retention", "application/json",
        "{\"stream\": \"carts\", \"events\": 1000000000}");
    assertEquals(200, counted.statusCode(), counted.body());
    assertTrue(counted.body().contains("{\"stream\":\"carts\",\"days\":3650,\"events\":1000000000}"),
        counted.body());
    assertEquals("1000000000", query("SELECT retention_events FROM annals_system.streams WHERE stream_name = 'carts'"));
    HttpResponse<String> listed = call("ada", "GET", "/admin/retention", null, null);
    assertTrue(listed.body().contains("\"carts\""), listed.body());
    HttpResponse<String> bad = call("ada", "PUT", "/admin/retention", "application/json",
        "{\"stream\": \"carts\", \"events\": 0}");
    assertEquals(400, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains("\\\"events\\\" must be a whole number of events, at least 1"), bad.body());

    HttpResponse<String> removed = call("ada", "PUT", "/admin/retention", "application/json",
        "{\"stream\": \"carts\", \"days\": null, \"events\": null}");
    assertEquals(200, removed.statusCode(), removed.body());
    assertEquals(null, query("SELECT retention_days FROM annals_system.streams WHERE stream_name = 'carts'"));
    assertEquals(null, query("SELECT retention_events FROM annals_system.streams WHERE stream_name = 'carts'"));
  }

  @Test
  void onAServerWithoutUsersNobodyGetsTheAdminApi() throws Exception {
    try (ShopServer open = ShopServer.start(dir.resolve("anonymous"), 200, 0, ServerConfig.defaults("127.0.0.1", 0))) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(open.server.url() + "/admin/retention"))
          .header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"stream\": \"carts\", \"days\": 1}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(403, r.statusCode(), r.body());
      assertTrue(r.body().contains("an anonymous client may not use the admin API"), r.body());
      assertTrue(r.body().contains("annals retention on the stopped folder"), r.body());
    }
  }

  @Test
  void badRequestsAreRefusedWithWhatWasWrong() throws Exception {
    Object[][] cases = {
        {"PUT", "/admin/retention", "application/json", "{\"stream\": \"carts\", \"days\": 3, \"stream\": \"orders\"}",
            400, "Duplicate field"},
        {"PUT", "/admin/retention", "application/json", "{\"stream\": \"carts\", \"days\": 1.5}", 400, "whole number"},
        {"PUT", "/admin/retention", "application/json", "{\"stream\": \"carts\", \"days\": 99999999999}", 400,
            "from 1 to 36500"},
        {"PUT", "/admin/retention", "application/json", "{\"stream\": \"annals_erasures\", \"days\": 3}", 400,
            "for ever"},
        {"POST", "/admin/erase", "application/json", "{\"stream\": \"annals_erasures\", \"entity_id\": \"e\"}", 400,
            "the store's own record"},
        {"POST", "/admin/erase", "application/json", "{\"stream\": \"orders\", \"entity_id\": \"a\\u0000b\"}", 400,
            "control character"},
        {"POST", "/admin/erase", "application/json", "{\"stream\": \"orders\", \"entity_id\": \"" + "x".repeat(9000)
            + "\"}", 413, "larger than 8192 bytes"},
        {"POST", "/streams/annals_erasures/events", "application/json",
            "[{\"event_type\": \"EntityErased\", \"payload\": {}}]", 400, "written by the store alone"},
        {"PUT", "/admin/retention", "application/json", "{\"stream\": \"carts\", \"days\": 0}", 400, "from 1 to 36500"},
        {"PUT", "/admin/retention", "application/json", "{\"stream\": \"carts\", \"days\": \"ten\"}", 400, "whole number"},
        {"PUT", "/admin/retention", "application/json", "{\"stream\": \"../x\", \"days\": 3}", 400, "not a stream name"},
        {"POST", "/admin/erase", "application/json", "{\"stream\": \"orders\"}", 400, "\\\"entity_id\\\" must be"},
        {"POST", "/admin/erase", "application/json", "{\"stream\": \"orders\", \"entity_id\": \"o\", \"why\": 1}",
            400, "unknown field"},
        {"POST", "/admin/erase", "application/json", "[1]", 400, "must be a JSON object"},
        {"POST", "/admin/erase", "application/json", "{oops", 400, "not JSON"},
        {"POST", "/admin/erase", "text/plain", "{}", 415, "application/json"},
        {"GET", "/admin/erase", null, null, 405, "use POST"},
        {"POST", "/admin/vacuum", "application/json", "{}", 404, "the admin API is"},
    };
    for (Object[] c : cases) {
      HttpResponse<String> r = call("ada", (String) c[0], (String) c[1], (String) c[2], (String) c[3]);
      assertEquals(c[4], r.statusCode(), c[0] + " " + c[1] + " " + c[3] + ": " + r.body());
      assertTrue(r.body().contains((String) c[5]), c[0] + " " + c[1] + " " + c[3] + ": " + r.body());
    }
  }
}
