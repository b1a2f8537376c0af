package org.annals.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.annals.storage.EventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annals serve} in its own JVM: SIGTERM flushes the memtable and the process exits. */
class ServeSigtermTest {
  private static final Pattern APPEND_URL = Pattern.compile("POST (http://127\\.0\\.0\\.1:\\d+)/streams");

  @TempDir Path dir;

  @Test
  void sigtermFlushesAndStops() throws Exception {
    Path data = dir.resolve("data");
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "serve", "--data", data.toString(), "--port", "0")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String base = null;
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null && base == null; line = out.readLine()) {
        Matcher m = APPEND_URL.matcher(line);
        if (m.find()) {
          base = m.group(1);
        }
      }
      assertTrue(base != null, "the server printed its address");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(base + "/streams/orders/events")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
          "[{\"event_type\":\"Placed\",\"entity_id\":\"o-1\",\"payload\":{}},"
              + "{\"event_type\":\"Paid\",\"entity_id\":\"o-1\",\"payload\":{}}]")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());

      server.destroy(); // SIGTERM
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stopped");
      assertEquals(143, server.exitValue(), "the JVM ended on SIGTERM after its shutdown hook");
    } finally {
      server.destroyForcibly();
    }
    try (EventStore store = EventStore.open(data)) {
      assertEquals(1, store.status().flushedFiles(), "the memtable was flushed on the way out");
      assertEquals(0, store.status().memtableRows());
      assertEquals(List.of("Placed", "Paid"),
          store.readEntity("orders", "o-1").stream().map(e -> e.eventType()).toList());
    }
  }

  /** {@code --flush-age} reaches the store: the events are in a Parquet file while the server still runs. */
  @Test
  void serveFlushesOnTheAgeItIsGiven() throws Exception {
    Path data = dir.resolve("aged");
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "serve", "--data", data.toString(), "--port", "0", "--flush-age", "1")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String base = null;
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null && base == null; line = out.readLine()) {
        Matcher m = APPEND_URL.matcher(line);
        if (m.find()) {
          base = m.group(1);
        }
      }
      assertTrue(base != null, "the server printed its address");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(base + "/streams/orders/events")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("[{\"event_type\":\"Placed\",\"entity_id\":\"o-1\",\"payload\":{}}]"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (parquetFiles(data) == 0) {
        assertTrue(System.nanoTime() < deadline, "no flush within a minute of an event a second old");
        Thread.sleep(200);
      }
    } finally {
      server.destroy();
      server.waitFor(60, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  private static long parquetFiles(Path data) throws java.io.IOException {
    Path events = data.resolve("events");
    if (!java.nio.file.Files.exists(events)) {
      return 0;
    }
    try (var files = java.nio.file.Files.walk(events)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
    }
  }
}
