package org.annals.engine.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.annals.storage.Erasure;
import org.annals.storage.EventStore;
import org.annals.storage.event.AppendRejectedException;
import org.annals.storage.event.StreamName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator changes on a running server, for users with the admin role:
 *
 * <ul>
 *   <li>{@code POST /admin/erase} with {@code {"stream": S, "entity_id": E}} and optionally a
 *       {@code "reference"} for the record erases one entity's events ({@link EventStore#erase})
 *       and answers how many went;
 *   <li>{@code PUT /admin/retention} with {@code {"stream": S, "days": N, "events": M}} (either or
 *       both; {@code null} removes one) sets a stream's retention by age
 *       ({@link EventStore#setRetention}) and by count ({@link EventStore#setRetainedEvents});
 *   <li>{@code GET /admin/retention} lists every stream's retention.
 * </ul>
 *
 * Bodies are UTF-8 JSON objects with exactly those fields, each once (400 otherwise, 413 past
 * 8 KiB, 415 for another content type); every error has a JSON body
 * {@code {"error": ..., "status": ...}}. Thread-safe.
 */
final class AdminHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
  static final String PREFIX = "/admin/";
  private static final String ERASE = "/admin/erase";
  private static final String RETENTION = "/admin/retention";
  /** A body names a stream and an entity or a number: a few hundred bytes at most. */
  private static final long MAX_BODY_BYTES = 8 * 1024;
  /** A hundred years: a longer retention is a mistake, and for ever is null. */
  private static final int MAX_DAYS = 36_500;
  /** A field given twice is refused, not resolved by taking one: these requests delete events. */
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final EventStore store;

  AdminHandler(EventStore store) {
    this.store = store;
  }

  void handle(String target, RequestUser user, HttpServletRequest request, HttpServletResponse response,
      RequestBudget.Lease lease) throws IOException {
    String method = request.getMethod();
    try {
      if (target.equals(ERASE) && method.equals("POST")) {
        JsonNode body = body(request, lease, Set.of("stream", "entity_id", "reference"));
        JsonNode reference = body.get("reference");
        if (reference != null && !reference.isNull() && !reference.isTextual()) {
          throw new BadRequest("\"reference\" must be a string (a ticket number, say), or absent");
        }
        Erasure done = store.erase(text(body, "stream"), text(body, "entity_id"), user.name(),
            reference == null || reference.isNull() ? null : reference.asText());
        ObjectNode reply = JsonReplies.JSON.createObjectNode();
        reply.put("stream", done.streamName()).put("events", done.events())
            .put("files_rewritten", done.filesRewritten()).put("files_awaiting_deletion", done.filesAwaitingDeletion());
        JsonReplies.reply(response, 200, reply);
      } else if (target.equals(RETENTION) && method.equals("PUT")) {
        JsonNode body = body(request, lease, Set.of("stream", "days", "events"));
        String stream = text(body, "stream");
        JsonNode days = body.get("days");
        JsonNode events = body.get("events");
        if (days == null && events == null) {
          throw new BadRequest("a retention sets \"days\", \"events\" or both (null removes one)");
        }
        if (days != null && !days.isNull() && !(days.isIntegralNumber() && days.canConvertToLong()
            && days.asLong() >= 1 && days.asLong() <= MAX_DAYS)) {
          throw new BadRequest("\"days\" must be a whole number of days from 1 to " + MAX_DAYS
              + ", or null to keep events whatever their age; got " + days);
        }
        if (events != null && !events.isNull() && !(events.isIntegralNumber() && events.canConvertToLong()
            && events.asLong() >= 1)) {
          throw new BadRequest("\"events\" must be a whole number of events, at least 1, or null to keep events"
              + " whatever their number; got " + events);
        }
        if (days != null) {
          store.setRetention(stream, days.isNull() ? null : Duration.ofDays(days.asInt()));
        }
        if (events != null) {
          store.setRetainedEvents(stream, events.isNull() ? null : events.asLong());
        }
        JsonReplies.reply(response, 200, retention());
      } else if (target.equals(RETENTION) && method.equals("GET")) {
        JsonReplies.reply(response, 200, retention());
      } else if (target.equals(ERASE) || target.equals(RETENTION)) {
        response.setHeader("Allow", target.equals(ERASE) ? "POST" : "GET, PUT");
        JsonReplies.error(response, 405, method + " " + target + " is not served; use "
            + (target.equals(ERASE) ? "POST" : "GET or PUT"));
      } else {
        JsonReplies.error(response, 404, "no such resource " + target + "; the admin API is POST " + ERASE
            + " and GET or PUT " + RETENTION);
      }
    } catch (BadRequest | IllegalArgumentException | AppendRejectedException e) {
      JsonReplies.error(response, 400, e.getMessage());
    } catch (TooLarge e) {
      JsonReplies.error(response, 413, e.getMessage());
    } catch (Unsupported e) {
      JsonReplies.error(response, 415, e.getMessage());
    } catch (IOException | RuntimeException e) {
      JsonReplies.error(response, 500, "the request failed inside the server"
          + ErrorIds.logged(LOG, method + " " + target + " failed", e));
    }
  }

  private ObjectNode retention() {
    ObjectNode reply = JsonReplies.JSON.createObjectNode();
    ArrayNode streams = reply.putArray("retention");
    Map<String, Duration> ages = store.retention();
    Map<String, Long> counts = store.retainedEvents();
    Set<String> names = new TreeSet<>(ages.keySet());
    names.addAll(counts.keySet());
    for (String name : names) {
      ObjectNode s = streams.addObject().put("stream", name);
      Duration age = ages.get(name);
      if (age == null) {
        s.putNull("days");
      } else {
        s.put("days", age.toDays());
      }
      s.put("events", counts.get(name));
    }
    return reply;
  }

  /** The request's JSON object, holding only the named fields. */
  private static JsonNode body(HttpServletRequest request, RequestBudget.Lease lease, Set<String> fields)
      throws IOException {
    if (!RequestBodies.isJson(request)) {
      throw new Unsupported("the admin API takes Content-Type: application/json, not " + request.getContentType());
    }
    byte[] bytes = RequestBodies.readAtMost(request, MAX_BODY_BYTES, lease);
    if (bytes == null) {
      throw new TooLarge("the request body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    RequestBodies.requireUtf8(bytes);
    JsonNode body;
    try {
      body = STRICT.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BadRequest("the body is not JSON: " + e.getOriginalMessage());
    }
    if (body == null || !body.isObject()) {
      throw new BadRequest("the body must be a JSON object with " + fields);
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new BadRequest("unknown field \"" + name + "\"; the body has " + fields);
      }
    }
    return body;
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new BadRequest("\"" + field + "\" must be a non-empty string");
    }
    if (field.equals("stream") && !StreamName.isValid(value.asText())) {
      throw new BadRequest("\"stream\" is not a stream name; names match " + StreamName.RULE);
    }
    return value.asText();
  }

  /** A request the server cannot take as given: 400. */
  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }

  /** A body beyond the limit: 413. */
  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  /** A body of another content type: 415. */
  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }
}
