package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web page cannot use a local server: what a browser sends for a page of another site (a
 * cross-site POST with its Origin, a {@code text/plain} body, a name rebound to 127.0.0.1) is
 * refused and stores nothing, while programs (the thin driver, curl with JSON) go on as before.
 */
class BrowserSafetyTest {
  private static final String EVENTS = "[{\"event_type\":\"Evil\",\"entity_id\":\"x\",\"payload\":{}}]";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static ShopServer shop;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 200, 0, 100);
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  @Test
  void aCrossSitePostIsRefusedAndStoresNothing() throws Exception {
    long before = shop.store.eventCount();
    HttpResponse<String> append = HTTP.send(appendRequest("application/json")
        .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, append.statusCode());
    assertTrue(append.body().contains("requests from web pages of other sites are refused"), append.body());
    HttpResponse<String> sql = HTTP.send(HttpRequest.newBuilder(URI.create(shop.server.url() + "/"))
        .header("Origin", "http://evil.example").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"request\": \"openConnection\", \"connectionId\": \"evil\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, sql.statusCode());
    assertEquals(before, shop.store.eventCount());
  }

  @Test
  void anAppendThatIsNotJsonIsRefused() throws Exception {
    long before = shop.store.eventCount();
    HttpResponse<String> plain = HTTP.send(appendRequest("text/plain").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(415, plain.statusCode());
    assertTrue(plain.body().contains("an append takes Content-Type: application/json"), plain.body());
    assertEquals(before, shop.store.eventCount());
    HttpResponse<String> json = HTTP.send(appendRequest("application/json; charset=utf-8").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, json.statusCode(), json.body());
    assertEquals(before + 1, shop.store.eventCount());
  }

  @Test
  void aNameReboundToLoopbackIsRefused() throws Exception {
    long before = shop.store.eventCount();
    try (Socket socket = new Socket("127.0.0.1", shop.server.port())) {
      OutputStream out = socket.getOutputStream();
      byte[] body = EVENTS.getBytes(StandardCharsets.UTF_8);
      out.write(("POST /streams/orders/events HTTP/1.1\r\nHost: evil.example:" + shop.server.port()
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(reply.startsWith("HTTP/1.1 403"), reply);
      assertTrue(reply.contains("answers only requests addressed to a loopback name"), reply);
    }
    assertEquals(before, shop.store.eventCount());
  }

  @Test
  void programsGoOnAsBefore() throws Exception {
    HttpResponse<String> localhost = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://localhost:" + shop.server.port() + "/streams/orders/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(EVENTS)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, localhost.statusCode(), localhost.body());
    try (Connection c = ThinDriver.load().connect(shop.jdbcUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
      assertTrue(rs.next());
      assertEquals(shop.store.eventCount(), rs.getLong(1));
    }
  }

  private static HttpRequest.Builder appendRequest(String contentType) {
    return HttpRequest.newBuilder(URI.create(shop.server.url() + "/streams/orders/events"))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(EVENTS));
  }
}
