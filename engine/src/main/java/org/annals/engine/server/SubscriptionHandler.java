package org.annals.engine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.annals.storage.EventStore;
import org.annals.storage.event.InvalidEventException;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.subscription.EventFeed;
import org.annals.storage.subscription.SubscriptionFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events} and {@code GET /streams/{stream}/events}: subscriptions over HTTP, as
 * NDJSON long polls. A request names where to start ({@code from}: a global_seq for every stream,
 * a seq for one stream); the answer holds the next events at once if there are any, else waits up
 * to {@code wait} seconds for the first to be appended, and then holds what came, one JSON object
 * a line, in log order. Header {@value #NEXT_FROM} says where the next request starts; an answer
 * with no events is the heartbeat of an idle log. Every answer is short, so that no connection is
 * held open past its wait, a proxy that buffers does no harm, and a server stop is not held up.
 * Thread-safe.
 */
final class SubscriptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionHandler.class);
  static final String ALL_PATH = "/events";
  static final String NEXT_FROM = "Annals-Next-From";
  static final int DEFAULT_LIMIT = 1_000;
  static final int MAX_LIMIT = 10_000;
  static final int DEFAULT_WAIT_SECONDS = 30;
  static final int MAX_WAIT_SECONDS = 300;
  /** Each waiting request holds a server thread; past this many, more are refused rather than queued. */
  static final int MAX_WAITING = 64;
  private static final Set<String> PARAMETERS = Set.of("from", "types", "limit", "wait");

  private final EventStore store;
  private final Set<EventFeed> open = ConcurrentHashMap.newKeySet();
  /** Polls under way, counted before they start so that no more than the most run at once. */
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean stopping;

  SubscriptionHandler(EventStore store) {
    this.store = store;
  }

  /** Whether a request is a subscription's: a GET of every stream's or one stream's events. */
  static boolean serves(String target, String method) {
    return "GET".equals(method) && (isAllEvents(target) || AppendHandler.PATH.matcher(target).matches());
  }

  /** Whether the path is every stream's events, which only a GET reads. */
  static boolean isAllEvents(String target) {
    return target.equals(ALL_PATH) || target.equals(ALL_PATH + "/");
  }

  void handle(String target, HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (AppendHandler.refusedSemicolon(request, response)) {
      return;
    }
    Matcher m = AppendHandler.PATH.matcher(target);
    String stream = m.matches() ? m.group(1) : null;
    Request r;
    try {
      r = Request.of(request, stream);
    } catch (IllegalArgumentException | InvalidEventException e) {
      JsonReplies.error(response, 400, e.getMessage());
      return;
    }
    if (stopping) {
      stopping(response);
      return;
    }
    if (waiting.incrementAndGet() > MAX_WAITING) {
      waiting.decrementAndGet();
      response.setHeader("Retry-After", "1");
      JsonReplies.error(response, 503, MAX_WAITING + " subscription requests are waiting already, the most the"
          + " server holds; ask again in a moment");
      return;
    }
    try {
      poll(target, stream, r, response);
    } finally {
      waiting.decrementAndGet();
    }
  }

  /** Answers one poll: its page, at once or after a wait, with where the next one starts. */
  private void poll(String target, String stream, Request r, HttpServletResponse response) throws IOException {
    List<StoredEvent> page;
    long nextFrom;
    EventFeed opened;
    try {
      opened = store.follow(r.from(), r.filter(), r.limit());
    } catch (IllegalArgumentException e) {
      JsonReplies.error(response, 400, e.getMessage());
      return;
    } catch (IllegalStateException closed) {
      failed(response, target, closed);
      return;
    }
    try (EventFeed feed = opened) {
      open.add(feed);
      if (stopping) {
        // The stop may have closed the waiting feeds just before this one joined them.
        feed.close();
      }
      try {
        page = feed.next(TimeUnit.SECONDS.toNanos(r.waitSeconds()));
      } finally {
        open.remove(feed);
      }
      nextFrom = feed.resumeFrom();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping(response);
      return;
    } catch (IOException | RuntimeException e) {
      failed(response, target, e);
      return;
    }
    response.setStatus(200);
    response.setContentType("application/x-ndjson;charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader(NEXT_FROM, Long.toString(nextFrom));
    OutputStream out = response.getOutputStream();
    try (JsonGenerator json = JsonReplies.JSON.getFactory().createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      // Lines, not a stream of values: no space between one event's newline and the next.
      json.setRootValueSeparator(null);
      for (StoredEvent e : page) {
        write(json, e);
        json.writeRaw('\n');
      }
    }
  }

  /** Ends every waiting request, for a server that stops: each answers 503 and the client retries. */
  void stop() {
    stopping = true;
    open.forEach(EventFeed::close);
  }

  /**
   * A poll that failed: while the server stops, its feed or store was closed under it (503, the
   * client asks again); otherwise it is a fault of the server's (500, logged).
   */
  private void failed(HttpServletResponse response, String target, Exception e) throws IOException {
    if (stopping) {
      stopping(response);
    } else {
      JsonReplies.error(response, 500, "reading the events failed inside the server"
          + ErrorIds.logged(LOG, "subscription read of " + target + " failed", e));
    }
  }

  private static void stopping(HttpServletResponse response) throws IOException {
    response.setHeader("Retry-After", "1");
    JsonReplies.error(response, 503, "the server is stopping; ask again from the same position once it is back");
  }

  /**
   * One event as one line. The payload and metadata are JSON objects the store checked on append,
   * so they go in as they are; a line break in one can only be whitespace between tokens (JSON
   * strings hold none), so it becomes a space and the event stays on its line.
   */
  private static void write(JsonGenerator json, StoredEvent e) throws IOException {
    json.writeStartObject();
    json.writeNumberField("global_seq", e.globalSeq());
    json.writeStringField("stream", e.streamName());
    json.writeNumberField("seq", e.seq());
    json.writeStringField("entity_id", e.entityId());
    if (e.version() == null) {
      json.writeNullField("version");
    } else {
      json.writeNumberField("version", e.version());
    }
    json.writeStringField("event_id", e.eventId().toString());
    json.writeStringField("event_type", e.eventType());
    json.writeStringField("recorded_at", Instant.ofEpochMilli(e.recordedAt()).toString());
    json.writeFieldName("payload");
    json.writeRawValue(oneLine(e.payload()));
    json.writeFieldName("metadata");
    if (e.metadata() == null) {
      json.writeNull();
    } else {
      json.writeRawValue(oneLine(e.metadata()));
    }
    json.writeEndObject();
  }

  private static String oneLine(String json) {
    return json.indexOf('\n') < 0 && json.indexOf('\r') < 0 ? json : json.replace('\n', ' ').replace('\r', ' ');
  }

  /** A subscription request's parameters, checked. */
  private record Request(long from, SubscriptionFilter filter, int limit, int waitSeconds) {
    static Request of(HttpServletRequest request, String stream) {
      for (Map.Entry<String, String[]> p : request.getParameterMap().entrySet()) {
        if (!PARAMETERS.contains(p.getKey())) {
          throw new IllegalArgumentException("unknown parameter '" + p.getKey() + "'; a subscription takes from,"
              + " types, limit and wait");
        }
        if (p.getValue().length > 1) {
          throw new IllegalArgumentException("parameter '" + p.getKey() + "' is given " + p.getValue().length
              + " times; give it once (types takes a comma-separated list)");
        }
      }
      long from = number(request, "from", 0, 0, Long.MAX_VALUE, stream == null
          ? "the global_seq to start at" : "the seq in stream " + stream + " to start at");
      int limit = (int) number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, "the most events an answer holds");
      int wait = (int) number(request, "wait", DEFAULT_WAIT_SECONDS, 0, MAX_WAIT_SECONDS,
          "the seconds to wait for a first new event");
      SubscriptionFilter filter = stream == null ? SubscriptionFilter.all() : SubscriptionFilter.stream(stream);
      String types = request.getParameter("types");
      if (types != null) {
        Set<String> names = new LinkedHashSet<>(Arrays.asList(types.split(",", -1)));
        if (names.contains("")) {
          throw new IllegalArgumentException("types is a comma-separated list of event types, with no empty one;"
              + " got '" + types + "'");
        }
        filter = filter.withEventTypes(names);
      }
      return new Request(from, filter, limit, wait);
    }

    private static long number(HttpServletRequest request, String name, long byDefault, long min, long max,
        String what) {
      String text = request.getParameter(name);
      if (text == null) {
        return byDefault;
      }
      try {
        long value = Long.parseLong(text.trim());
        if (value >= min && value <= max) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below, with the allowed range
      }
      throw new IllegalArgumentException(name + " is " + what + ", a whole number from " + min + " to " + max
          + "; got '" + text + "'");
    }
  }
}
