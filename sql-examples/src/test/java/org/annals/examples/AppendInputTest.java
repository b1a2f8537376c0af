package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Append bodies that are not what they claim are refused with 400 and a message, and store
 * nothing; none is altered into something else and stored: text that is not strictly UTF-8 (UTF-16,
 * a byte order mark, an overlong or CESU-8 sequence), JSON past the parser's limits (nesting,
 * number and name lengths, which failed with a 500), an event id in a short form that would be
 * rewritten, names with control characters, and a path parameter Jetty would drop.
 */
class AppendInputTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static ShopServer shop;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 100, 0, 100);
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  @Test
  void bodiesThatAreNotStrictUtf8AreRefused() throws Exception {
    String events = "[{\"event_type\":\"T\",\"entity_id\":\"e\",\"payload\":{\"a\":\"x\"}}]";
    refused(events.getBytes(StandardCharsets.UTF_16LE), "must be UTF-8");
    refused(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, events.getBytes(StandardCharsets.UTF_8)),
        "must be UTF-8");
    // "/" written in two bytes (overlong), and a surrogate written as three bytes (CESU-8).
    refused(concat("[{\"event_type\":\"T\",\"payload\":{\"a\":\"".getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xC0, (byte) 0xAF}, "\"}}]".getBytes(StandardCharsets.UTF_8)), "not valid UTF-8");
    refused(concat("[{\"event_type\":\"T\",\"payload\":{\"a\":\"".getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD}, "\"}}]".getBytes(StandardCharsets.UTF_8)),
        "not valid UTF-8");
  }

  @Test
  void jsonPastTheParsersLimitsIsA400() throws Exception {
    String deep = "{\"a\":".repeat(1_500) + "1" + "}".repeat(1_500);
    refused(("[{\"event_type\":\"T\",\"payload\":" + deep + "}]").getBytes(StandardCharsets.UTF_8), "exceeds");
    String longNumber = "1".repeat(2_000);
    refused(("[{\"event_type\":\"T\",\"payload\":{\"n\":" + longNumber + "},\"expected_version\":" + longNumber
        + "}]").getBytes(StandardCharsets.UTF_8), "400");
    String longKey = "k".repeat(60_000);
    refused(("[{\"event_type\":\"T\",\"payload\":{\"" + longKey + "\":1}}]").getBytes(StandardCharsets.UTF_8),
        "exceeds");
  }

  @Test
  void aShortEventIdAndControlCharactersInNamesAreRefused() throws Exception {
    refused("[{\"event_type\":\"T\",\"event_id\":\"1-1-1-1-1\",\"payload\":{}}]".getBytes(StandardCharsets.UTF_8),
        "canonical form");
    refused("[{\"event_type\":\"T\\u0000\",\"payload\":{}}]".getBytes(StandardCharsets.UTF_8), "control character");
    refused("[{\"event_type\":\"T\",\"entity_id\":\"a\\nb\",\"payload\":{}}]".getBytes(StandardCharsets.UTF_8),
        "control character");
  }

  @Test
  void aPathParameterIsNoPartOfAStreamName() throws Exception {
    long before = shop.store.eventCount();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(shop.server.url() + "/streams/a;b/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("[{\"event_type\":\"T\",\"payload\":{}}]")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("cannot contain ';'"), r.body());
    assertEquals(before, shop.store.eventCount());
  }

  private static void refused(byte[] body, String saying) throws Exception {
    long before = shop.store.eventCount();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(shop.server.url() + "/streams/input/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains(saying) || saying.equals("400"), r.body());
    assertFalse(r.body().contains("Exception"), r.body());
    assertEquals(before, shop.store.eventCount());
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
