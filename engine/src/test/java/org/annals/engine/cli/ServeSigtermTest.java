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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.annals.storage.EventStore;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annals serve} in its own JVM: SIGTERM flushes the memtable and the process exits. */
class ServeSigtermTest {
  private static final Pattern APPEND_URL = Pattern.compile("POST (http://127\\.0\\.0\\.1:\\d+)/streams");

  @TempDir Path dir;

  @Test
  void sigtermFlushesAndStops() throws Exception {
    Path data = dir.resolve("data");
    Process server = serve(data);
    try {
      String base = appendUrl(server);
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
    Process server = serve(data, "--flush-age", "1");
    try {
      String base = appendUrl(server);
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

  /**
   * Appends run from eight clients while the server gets SIGTERM: every event the store kept was
   * acknowledged to its client, since the server finishes the requests under way before it
   * closes; what was refused or cut off was not kept.
   */
  @Test
  void sigtermAnswersEveryAppendItStored() throws Exception {
    Path data = dir.resolve("busy");
    Process server = serve(data);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      String base = appendUrl(server);
      URI appends = URI.create(base + "/streams/orders/events");
      HttpClient http = HttpClient.newHttpClient();
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        running.add(clients.submit(() -> {
          while (true) {
            List<String> ids = new ArrayList<>();
            StringBuilder body = new StringBuilder("[");
            for (int e = 0; e < 5; e++) {
              String id = UUID.randomUUID().toString();
              ids.add(id);
              body.append(e == 0 ? "" : ",").append("{\"event_id\":\"").append(id)
                  .append("\",\"event_type\":\"Placed\",\"entity_id\":\"o-1\",\"payload\":{}}");
            }
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(appends).header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.append("]").toString())).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                acknowledged.addAll(ids);
              } else if (r.statusCode() >= 500) {
                return null;
              }
            } catch (java.io.IOException gone) {
              return null;
            }
          }
        }));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (acknowledged.size() < 500) {
        assertTrue(System.nanoTime() < deadline, "appends are answered");
        Thread.sleep(20);
      }
      server.destroy(); // SIGTERM, with appends under way
      for (Future<?> client : running) {
        client.get(60, TimeUnit.SECONDS);
      }
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stopped");
    } finally {
      clients.shutdownNow();
      server.destroyForcibly();
    }
    Set<String> stored = new HashSet<>();
    try (EventStore store = EventStore.open(data)) {
      store.read(ScanSpec.all()).forEach(e -> stored.add(e.eventId().toString()));
    }
    assertTrue(stored.containsAll(acknowledged), "every acknowledged event is stored");
    Set<String> unanswered = new HashSet<>(stored);
    unanswered.removeAll(acknowledged);
    assertEquals(Set.of(), unanswered, "events stored whose clients never heard so");
  }

  /** Starts {@code annals serve} on a free port in a JVM of its own. */
  private static Process serve(Path data, String... options) throws java.io.IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "serve", "--data", data.toString(), "--port", "0"));
    command.addAll(List.of(options));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** The base URL the server printed in its banner, read from its output. */
  private static String appendUrl(Process server) throws java.io.IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      Matcher m = APPEND_URL.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError("the server ended without printing its address");
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
