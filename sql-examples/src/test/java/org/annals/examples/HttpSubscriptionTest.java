package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /events} and {@code GET /streams/{stream}/events} over a server: long polls that
 * page through the stored events (in files and memtable) and wait for new ones.
 */
class HttpSubscriptionTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static EventStore store;
  private static AnnalsServer server;

  @BeforeAll
  static void start() throws Exception {
    store = EventStore.open(StoreOptions.builder(dir).backgroundFlush(false).build());
    for (int i = 0; i < 1_500; i++) {
      store.append(i % 3 == 0 ? "payments" : "orders", List.of(
          NewEvent.of("Placed", "o-" + i, "{\n  \"amount\": " + i + "\n}"),
          NewEvent.of(i % 2 == 0 ? "Paid" : "Cancelled", "o-" + i, "{}").withMetadata("{\"by\": \"test\"}")));
      if (i == 700) {
        store.flush();
      }
    }
    server = AnnalsServer.start(store, ServerConfig.defaults("127.0.0.1", 0));
  }

  @AfterAll
  static void stop() throws Exception {
    try (EventStore closing = store) {
      server.close();
    }
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> lines(HttpResponse<String> r) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (!line.isEmpty()) {
        assertTrue(line.startsWith("{\"global_seq\":") && line.endsWith("}"), "one event a line: " + line);
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static long nextFrom(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("Annals-Next-From").orElseThrow());
  }

  @Test
  void pagingThroughEveryEventGivesEachOnceInLogOrder() throws Exception {
    List<StoredEvent> stored = new ArrayList<>(store.read(ScanSpec.all()));
    stored.sort((a, b) -> Long.compare(a.globalSeq(), b.globalSeq()));
    List<JsonNode> seen = new ArrayList<>();
    long from = 0;
    while (seen.size() < stored.size()) {
      HttpResponse<String> r = get("/events?from=" + from + "&limit=700&wait=0");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("application/x-ndjson;charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
      List<JsonNode> page = lines(r);
      assertTrue(page.size() <= 700 && !page.isEmpty(), "a page of at most the limit: " + page.size());
      seen.addAll(page);
      from = nextFrom(r);
    }
    for (int i = 0; i < stored.size(); i++) {
      StoredEvent e = stored.get(i);
      JsonNode line = seen.get(i);
      assertEquals(e.globalSeq(), line.get("global_seq").asLong());
      assertEquals(e.streamName(), line.get("stream").asText());
      assertEquals(e.seq(), line.get("seq").asLong());
      assertEquals(e.entityId(), line.get("entity_id").asText());
      assertEquals(e.version().longValue(), line.get("version").asLong());
      assertEquals(e.eventId().toString(), line.get("event_id").asText());
      assertEquals(e.eventType(), line.get("event_type").asText());
      assertEquals(JSON.readTree(e.payload()), line.get("payload"), "the payload as an object, on one line");
      assertEquals(e.metadata() == null ? null : JSON.readTree(e.metadata()),
          line.get("metadata").isNull() ? null : line.get("metadata"));
    }
    HttpResponse<String> end = get("/events?from=" + from + "&wait=0");
    assertEquals(200, end.statusCode());
    assertEquals("", end.body(), "nothing past the end");
    assertEquals(from, nextFrom(end));
  }

  @Test
  void aStreamSubscriptionCountsInSeqAndKeepsToItsTypes() throws Exception {
    HttpResponse<String> r = get("/streams/payments/events?from=100&types=Paid&limit=10000&wait=0");
    assertEquals(200, r.statusCode(), r.body());
    List<StoredEvent> expected = store.readStream("payments", 100, 100_000).stream()
        .filter(e -> e.eventType().equals("Paid")).toList();
    List<JsonNode> got = lines(r);
    assertEquals(expected.stream().map(StoredEvent::seq).toList(), got.stream().map(n -> n.get("seq").asLong()).toList());
    assertTrue(got.stream().allMatch(n -> n.get("stream").asText().equals("payments")));
    assertEquals(store.eventCount("payments"), nextFrom(r),
        "the next request starts past the stream's newest event, of whatever type");
  }

  @Test
  void aPollPastTheEndWaitsForTheNextAppend() throws Exception {
    long end = store.eventCount();
    CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(HttpRequest.newBuilder(
        URI.create(server.url() + "/streams/returns/events?from=0&wait=60")).build(), HttpResponse.BodyHandlers.ofString());
    Thread.sleep(300);
    assertTrue(!waiting.isDone(), "the poll waits");
    store.append("returns", List.of(NewEvent.of("Returned", "o-1", "{\"reason\": \"late\"}")));
    HttpResponse<String> r = waiting.get(30, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), r.body());
    List<JsonNode> got = lines(r);
    assertEquals(1, got.size());
    assertEquals(end, got.get(0).get("global_seq").asLong());
    assertEquals(1, nextFrom(r));

    long started = System.nanoTime();
    HttpResponse<String> idle = get("/events?from=" + store.eventCount() + "&wait=1");
    assertEquals(200, idle.statusCode());
    assertEquals("", idle.body(), "the heartbeat of an idle log: an empty answer");
    assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(900), "it waited its second");
  }

  @Test
  void badParametersAreRefusedSayingWhatIsAllowed() throws Exception {
    String[][] cases = {
      {"/events?from=-1", "from is the global_seq to start at, a whole number from 0"},
      {"/events?from=abc", "got 'abc'"},
      {"/events?limit=0", "limit is the most events an answer holds, a whole number from 1 to 10000"},
      {"/events?wait=301", "wait is the seconds to wait for a first new event, a whole number from 0 to 300"},
      {"/events?types=Paid,,Placed", "no empty one"},
      {"/events?form=3", "unknown parameter 'form'; a subscription takes from, types, limit and wait"},
      {"/streams/bad%20name/events", "invalid stream name"},
      {"/events?from=1&from=2", "parameter 'from' is given 2 times; give it once"},
      {"/events?from=99999999", "position 99999999 is past the end of the log, whose next global_seq is "},
      {"/streams/payments/events?from=5000", "position 5000 is past the end of stream payments, whose next seq is"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = get(c[0]);
      assertEquals(400, r.statusCode(), c[0] + ": " + r.body());
      assertTrue(r.body().contains(c[1]), c[0] + ": " + r.body());
    }
    HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/events?from=0"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("[]")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode(), post.body());
    assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());
    assertTrue(post.body().contains("subscriptions GET it; appends go to POST /streams/{stream}/events"), post.body());
  }
}
