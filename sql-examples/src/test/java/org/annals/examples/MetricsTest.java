package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} as Prometheus scrapes it: each append, statement, error, flush and fsync
 * since the previous scrape moves its series by exactly what happened, and the store's gauges say
 * what {@code annals_system.status} says.
 */
class MetricsTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(?:\\{[^}]*})?) (\\S+)$", Pattern.MULTILINE);

  @TempDir static Path dir;
  private static ShopServer shop;
  private static ThinDriver driver;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 0, 300, 100);
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  private static Map<String, Double> scrape() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(shop.server.url() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    Map<String, Double> samples = new HashMap<>();
    Matcher m = SAMPLE.matcher(response.body());
    while (m.find()) {
      samples.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return samples;
  }

  private static double moved(Map<String, Double> before, Map<String, Double> after, String series) {
    return after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
  }

  private static int append(String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(shop.server.url() + "/streams/audit/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void appendsStatementsErrorsFlushesAndFsyncsMoveTheirSeriesByWhatHappened() throws Exception {
    Map<String, Double> before = scrape();
    assertEquals(200, append("[{\"event_type\":\"A\",\"entity_id\":\"a-1\",\"payload\":{}},"
        + "{\"event_type\":\"B\",\"entity_id\":\"a-1\",\"payload\":{}}]"));
    assertEquals(200, append("[{\"event_type\":\"C\",\"entity_id\":\"a-2\",\"payload\":{}}]"));
    assertEquals(400, append("[{\"event_type\":\"D\"}]"));
    try (Connection c = driver.connect(shop.jdbcUrl()); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
        assertTrue(rs.next());
      }
      assertThrows(SQLException.class, () -> s.executeQuery("SELECT nope FROM events"));
      shop.store.flush();
      Map<String, Double> after = scrape();

      assertEquals(2, moved(before, after, "annals_appends_seconds_count{outcome=\"ok\"}"));
      assertEquals(1, moved(before, after, "annals_appends_seconds_count{outcome=\"rejected\"}"));
      assertEquals(3, moved(before, after, "annals_events_written_total"));
      assertEquals(1, moved(before, after, "annals_statements_seconds_count{outcome=\"ok\"}"));
      assertEquals(1, moved(before, after, "annals_statements_seconds_count{outcome=\"error\"}"));
      assertEquals(1, moved(before, after, "annals_errors_total{code=\"400\",over=\"http\"}"));
      assertEquals(1, moved(before, after, "annals_errors_total{code=\"42\",over=\"jdbc\"}"));
      assertEquals(1, moved(before, after, "annals_flush_seconds_count"));
      assertTrue(moved(before, after, "annals_fsync_seconds_count") >= 2, "the two appends were fsynced");
      assertTrue(after.get("annals_appends_seconds_bucket{outcome=\"ok\",le=\"+Inf\"}") >= 2, "a histogram");
      assertEquals(1, after.get("annals_connections_open"));
      assertEquals(0, after.get("annals_memtable_rows"), "all flushed");
      assertEquals(shop.store.status().flushedFiles(), after.get("annals_files"));
      assertEquals(shop.store.status().flushedRows(), after.get("annals_flushed_rows"));
      assertTrue(after.get("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}") != null
          || after.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "the JVM's own");
    }
  }
}
