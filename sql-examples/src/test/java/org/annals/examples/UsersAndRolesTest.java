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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.annals.engine.security.PasswordHash;
import org.annals.engine.security.Role;
import org.annals.engine.security.UsersFile;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.server.ServerLimits;
import org.annals.engine.server.ServerSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with users, from the outside: JDBC's user and password and HTTP BASIC let users in,
 * nobody else; each user does what their roles allow (read: queries; append: appends over HTTP and
 * INSERT ... VALUES), over JDBC and HTTP alike; a client may narrow its roles, never widen them;
 * one user cannot use another's connection nor hold more than their share of connections; users
 * added while the server runs get in within seconds.
 */
class UsersAndRolesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INSERT =
      "INSERT INTO events (stream_name, event_type, entity_id, payload) VALUES ('audit', 'Checked', 'a-1', '{}')";
  private static final int PER_USER = 3;

  @TempDir static Path dir;
  private static ShopServer shop;
  private static ThinDriver driver;
  private static UsersFile users;

  @BeforeAll
  static void start() throws Exception {
    users = new UsersFile(dir.resolve("users.properties"));
    users.put(new UsersFile.User("ann", PasswordHash.of("ann-password".toCharArray()), Role.all()));
    users.put(new UsersFile.User("rita", PasswordHash.of("rita-password".toCharArray()), Set.of(Role.READ)));
    users.put(new UsersFile.User("app", PasswordHash.of("app-password".toCharArray()), Set.of(Role.APPEND)));
    shop = ShopServer.start(dir.resolve("data"), 300, 0, ServerConfig.defaults("127.0.0.1", 0)
        .withLimits(ServerLimits.defaults().withConnections(ServerLimits.DEFAULT_MAX_CONNECTIONS, PER_USER,
            ServerLimits.DEFAULT_MAX_STATEMENTS_PER_CONNECTION))
        .withSecurity(ServerSecurity.none().withUsers(users.path())));
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  private static Connection connect(String user, String password, String... more) throws SQLException {
    Properties info = new Properties();
    if (user != null) {
      info.setProperty("user", user);
      info.setProperty("password", password);
    }
    for (int i = 0; i < more.length; i += 2) {
      info.setProperty(more[i], more[i + 1]);
    }
    return driver.connect(shop.jdbcUrl(), info);
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static HttpResponse<String> append(String user, String password) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(shop.server.url() + "/streams/audit/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("[{\"event_type\":\"Checked\",\"entity_id\":\"a-1\",\"payload\":{}}]"));
    if (user != null) {
      request.header("Authorization", basic(user, password));
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> subscribe(String user, String password) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(shop.server.url() + "/events?from=0&limit=3&wait=0"))
        .header("Authorization", basic(user, password)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void withoutAUserOrWithAWrongPasswordNothingGetsIn() throws Exception {
    for (String[] credentials : new String[][] {{null, null}, {"ann", "wrong-password"}, {"nobody", "ann-password"}}) {
      SQLException refused = assertThrows(SQLException.class, () -> connect(credentials[0], credentials[1]));
      assertEquals("28000", refused.getSQLState());
      assertTrue(refused.getMessage().contains("refused the user name and password"), refused.getMessage());

      long before = shop.store.eventCount();
      HttpResponse<String> response = append(credentials[0], credentials[1]);
      assertEquals(401, response.statusCode(), response.body());
      assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("basic realm="));
      assertEquals(before, shop.store.eventCount());
    }
  }

  @Test
  void aReaderQueriesButCannotAppend() throws Exception {
    long before = shop.store.eventCount();
    try (Connection rita = connect("rita", "rita-password"); Statement s = rita.createStatement()) {
      assertEquals(before, count(rita));
      SQLException refused = assertThrows(SQLException.class, () -> s.executeUpdate(INSERT));
      assertEquals("42501", refused.getSQLState());
      assertTrue(refused.getMessage().contains("needs the roles append, and the connection has read"),
          refused.getMessage());
    }
    HttpResponse<String> response = append("rita", "rita-password");
    assertEquals(403, response.statusCode());
    assertTrue(response.body().contains("user rita may not append events"), response.body());
    assertEquals(before, shop.store.eventCount());
    HttpResponse<String> followed = subscribe("rita", "rita-password");
    assertEquals(200, followed.statusCode(), followed.body());
    assertEquals(3, followed.body().lines().count(), "a reader subscribes");
  }

  @Test
  void anAppenderAppendsButCannotRead() throws Exception {
    long before = shop.store.eventCount();
    try (Connection app = connect("app", "app-password"); Statement s = app.createStatement()) {
      assertEquals(1, s.executeUpdate(INSERT));
      for (String query : List.of("SELECT COUNT(*) FROM events",
          "SELECT COUNT(*) FROM events;",
          "SELECT COUNT(*) FROM events WHERE 1 != 2",
          "SELECT {fn UCASE(entity_id)} FROM events",
          "INSERT INTO events (stream_name, event_type, entity_id, payload)"
              + " VALUES ('audit', 'Checked', CASE WHEN EXISTS (TABLE events) THEN 'y' ELSE 'n' END, '{}')",
          "INSERT INTO events (stream_name, event_type, entity_id, payload)"
              + " SELECT 'audit', event_type, entity_id, payload FROM events",
          // A subquery among the values reads, and its errors could show what it read.
          "INSERT INTO events (stream_name, event_type, entity_id, payload)"
              + " VALUES ('audit', 'Checked', (SELECT MIN(entity_id) FROM events), '{}')")) {
        SQLException refused = assertThrows(SQLException.class, () -> s.execute(query));
        assertEquals("42501", refused.getSQLState(), query);
      }
    }
    assertEquals(200, append("app", "app-password").statusCode());
    assertEquals(before + 2, shop.store.eventCount());
    HttpResponse<String> followed = subscribe("app", "app-password");
    assertEquals(403, followed.statusCode(), followed.body());
    assertTrue(followed.body().contains("user app may not read events: that takes the read role"), followed.body());
  }

  @Test
  void aClientMayNarrowItsRolesButNotWidenThem() throws Exception {
    try (Connection readOnly = connect("ann", "ann-password", "roles", "read"); Statement s = readOnly.createStatement()) {
      assertTrue(count(readOnly) > 0);
      assertEquals("42501", assertThrows(SQLException.class, () -> s.executeUpdate(INSERT)).getSQLState());
    }
    SQLException refused = assertThrows(SQLException.class, () -> connect("rita", "rita-password", "roles", "read,append"));
    assertEquals("42501", refused.getSQLState());
    assertTrue(refused.getMessage().contains("user rita has the roles read, not read,append"), refused.getMessage());
  }

  @Test
  void aUserWhoLosesARoleLosesItOnConnectionsAlreadyOpen() throws Exception {
    users.put(new UsersFile.User("demoted", PasswordHash.of("demoted-password".toCharArray()), Role.all()));
    Connection c = null;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (c == null) {
      try {
        c = connect("demoted", "demoted-password");
      } catch (SQLException e) {
        assertTrue(System.nanoTime() < deadline, "the server never read the new user");
        Thread.sleep(200);
      }
    }
    try (Connection open = c; Statement s = open.createStatement()) {
      assertEquals(1, s.executeUpdate(INSERT));
      users.put(new UsersFile.User("demoted", PasswordHash.of("demoted-password".toCharArray()), Set.of(Role.READ)));
      deadline = System.nanoTime() + 30_000_000_000L;
      while (true) {
        try {
          count(open);
          assertTrue(System.nanoTime() < deadline, "the server never read the changed roles");
          Thread.sleep(200);
        } catch (SQLException e) {
          assertEquals("42501", e.getSQLState(), e.getMessage());
          assertTrue(e.getMessage().contains("no longer has the roles read,append"), e.getMessage());
          break;
        }
      }
    }
    try (Connection again = connect("demoted", "demoted-password"); Statement s = again.createStatement()) {
      assertTrue(count(again) > 0, "a new connection gets the roles the user has now");
      assertEquals("42501", assertThrows(SQLException.class, () -> s.executeUpdate(INSERT)).getSQLState());
    }
  }

  @Test
  void aUsersFileWithNoUsersLetsNoOneIn(@TempDir Path other) throws Exception {
    UsersFile empty = new UsersFile(other.resolve("users.properties"));
    empty.put(new UsersFile.User("gone", PasswordHash.of("gone-password".toCharArray()), Role.all()));
    empty.remove("gone");
    try (ShopServer locked = ShopServer.start(other.resolve("data"), 50, 0, ServerConfig.defaults("127.0.0.1", 0)
        .withSecurity(ServerSecurity.none().withUsers(empty.path())))) {
      assertTrue(locked.server.logins());
      SQLException refused = assertThrows(SQLException.class, () -> driver.connect(locked.jdbcUrl(), new Properties()));
      assertEquals("28000", refused.getSQLState());
    }
  }

  @Test
  void oneUserCannotUseAnothersConnection() throws Exception {
    try (Connection ann = connect("ann", "ann-password")) {
      String annsConnection = (String) ann.getClass().getField("id").get(ann);
      HttpRequest request = HttpRequest.newBuilder(URI.create(shop.server.url()))
          .header("Authorization", basic("rita", "rita-password"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"request\": \"createStatement\", \"connectionId\": \""
              + annsConnection + "\"}")).build();
      JsonNode reply = JSON.readTree(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body());
      assertEquals("error", reply.path("response").asText(), reply.toString());
      assertEquals("28000", reply.path("sqlState").asText(), reply.toString());
      assertTrue(count(ann) > 0, "ann's connection still serves ann");
    }
  }

  @Test
  void aUserHoldsAtMostTheirShareOfConnections() throws Exception {
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 0; i < PER_USER; i++) {
        open.add(connect("ann", "ann-password"));
      }
      SQLException refused = assertThrows(SQLException.class, () -> connect("ann", "ann-password"));
      assertEquals("53300", refused.getSQLState());
      assertTrue(refused.getMessage().contains("user ann has 3 connections open"), refused.getMessage());
      try (Connection rita = connect("rita", "rita-password")) {
        assertTrue(count(rita) > 0, "another user still gets in");
      }
      for (Connection c : open) {
        assertTrue(count(c) > 0, "no open connection was closed");
      }
      open.remove(0).close();
      connect("ann", "ann-password").close();
    } finally {
      for (Connection c : open) {
        c.close();
      }
    }
  }

  @Test
  void usersAddedOrRemovedWhileTheServerRunsCountWithinSeconds() throws Exception {
    users.put(new UsersFile.User("newcomer", PasswordHash.of("newcomer-password".toCharArray()), Set.of(Role.READ)));
    long deadline = System.nanoTime() + 30_000_000_000L;
    Connection in = null;
    while (in == null) {
      try {
        in = connect("newcomer", "newcomer-password");
      } catch (SQLException e) {
        assertEquals("28000", e.getSQLState());
        assertTrue(System.nanoTime() < deadline, "the server never read the new user");
        Thread.sleep(200);
      }
    }
    Connection kept = in;
    assertTrue(count(kept) > 0);
    users.remove("newcomer");
    deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try (Connection c = connect("newcomer", "newcomer-password")) {
        assertTrue(System.nanoTime() < deadline, "the server never dropped the removed user");
        Thread.sleep(200);
      } catch (SQLException e) {
        assertEquals("28000", e.getSQLState(), e.toString());
        break;
      }
    }
    // A connection opened before is refused too, as an SQLException, and still closes.
    SQLException refused = assertThrows(SQLException.class, kept::createStatement);
    assertEquals("28000", refused.getSQLState());
    kept.close();
  }
}
