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
}
