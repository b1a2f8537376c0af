package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.annals.examples.bench.ServerProcess;
import org.annals.storage.EventStore;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscribers follow a server over HTTP while clients append to it; the server is killed (no
 * flush, no close) and started again mid-way. Each subscriber resumes from where its answers left
 * off and, once the appends are over, has seen every event its filter selects exactly once, in
 * order: what the store holds, read back after the server's last stop.
 */
class SubscriptionRestartTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCHES_PER_APPENDER = 150;
  private static final int EVENTS_PER_BATCH = 10;

  @TempDir Path dir;
  /** The running server's address; a restarted server has a new port. */
  private final AtomicReference<String> base = new AtomicReference<>();

  /** A subscriber: long polls from its last position, over restarts, until told to stop. */
  private final class Follower implements Runnable {
    final String path;
    final List<JsonNode> seen = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean stop = new AtomicBoolean();
    volatile long from;

    Follower(String path) {
      this.path = path;
    }

    @Override
    public void run() {
      while (!stop.get()) {
        try {
          String separator = path.contains("?") ? "&" : "?";
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base.get() + path + separator
              + "from=" + from + "&wait=1&limit=500")).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            Thread.sleep(50);
            continue;
          }
          for (String line : r.body().split("\n")) {
            if (!line.isEmpty()) {
              seen.add(JSON.readTree(line));
            }
          }
          from = Long.parseLong(r.headers().firstValue("Annals-Next-From").orElseThrow());
        } catch (IOException serverDown) {
          sleepQuietly();
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Appends batches with ids of their own, sending a batch again until it is answered. */
  private Void append(String stream, int appender) throws Exception {
    for (int b = 0; b < BATCHES_PER_APPENDER; b++) {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < EVENTS_PER_BATCH; i++) {
        body.append(i == 0 ? "" : ",").append("{\"event_type\": \"").append(i % 2 == 0 ? "Placed" : "Paid")
            .append("\", \"entity_id\": \"e-").append(appender).append('-').append(b).append("\", \"event_id\": \"")
            .append(UUID.randomUUID()).append("\", \"payload\": {\"i\": ").append(i).append("}}");
      }
      String batch = body.append(']').toString();
      while (true) {
        try {
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base.get() + "/streams/" + stream
              + "/events")).header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofString(batch)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            break;
          }
          assertEquals(503, r.statusCode(), r.body());
        } catch (IOException serverDown) {
          // Stored or not, the batch is sent again with the same ids: the store keeps it once.
        }
        sleepQuietly();
      }
    }
    return null;
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void everySubscriberSeesEveryEventOnceInOrderAcrossAKilledServer() throws Exception {
    Path data = dir.resolve("data");
    ThinDriver driver = ThinDriver.load();
    List<Follower> followers = List.of(new Follower("/events"), new Follower("/streams/orders/events"),
        new Follower("/events?types=Paid"), new Follower("/streams/payments/events?types=Paid"));
    ExecutorService threads = Executors.newCachedThreadPool();
    List<Future<Void>> appends = new ArrayList<>();
    ServerProcess server = ServerProcess.start(data, driver, List.of());
    try {
      base.set("http://127.0.0.1:" + server.port());
      followers.forEach(threads::submit);
      appends.add(threads.submit(() -> append("orders", 1)));
      appends.add(threads.submit(() -> append("payments", 2)));
      awaitSeen(followers.get(0), 600);
      server.kill();
      server = ServerProcess.start(data, driver, List.of());
      base.set("http://127.0.0.1:" + server.port());
      for (Future<Void> a : appends) {
        a.get(5, TimeUnit.MINUTES);
      }
      int total = 2 * BATCHES_PER_APPENDER * EVENTS_PER_BATCH;
      awaitSeen(followers.get(0), total);
      awaitSeen(followers.get(1), total / 2);
      awaitSeen(followers.get(2), total / 2);
      awaitSeen(followers.get(3), total / 4);
      Thread.sleep(1_500);
    } finally {
      followers.forEach(f -> f.stop.set(true));
      threads.shutdownNow();
      threads.awaitTermination(1, TimeUnit.MINUTES);
      server.close();
    }
    List<StoredEvent> stored;
    try (EventStore store = EventStore.open(data)) {
      stored = new ArrayList<>(store.read(ScanSpec.all()));
    }
    stored.sort((a, b) -> Long.compare(a.globalSeq(), b.globalSeq()));
    assertEquals(2 * BATCHES_PER_APPENDER * EVENTS_PER_BATCH, stored.size(), "each batch stored once");
    assertSaw(followers.get(0), stored, e -> true, false);
    assertSaw(followers.get(1), stored, e -> e.streamName().equals("orders"), true);
    assertSaw(followers.get(2), stored, e -> e.eventType().equals("Paid"), false);
    assertSaw(followers.get(3), stored, e -> e.streamName().equals("payments") && e.eventType().equals("Paid"), false);
  }

  private static void awaitSeen(Follower f, int events) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (f.seen.size() < events) {
      assertTrue(System.nanoTime() < deadline, f.path + " saw only " + f.seen.size() + " of " + events);
      Thread.sleep(50);
    }
  }

  private static void assertSaw(Follower f, List<StoredEvent> stored, Predicate<StoredEvent> selects,
      boolean bySeq) {
    List<String> expected = stored.stream().filter(selects).map(e -> e.globalSeq() + " " + e.eventId()).toList();
    List<String> seen = f.seen.stream().map(n -> n.get("global_seq").asLong() + " " + n.get("event_id").asText())
        .toList();
    assertEquals(expected, seen, f.path + ": every event once, in order");
    if (bySeq) {
      for (int i = 0; i < f.seen.size(); i++) {
        assertEquals(i, f.seen.get(i).get("seq").asLong(), f.path + " counts its stream's seq");
      }
    }
  }
}
