package org.annals.engine.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.annals.storage.Erasure;
import org.annals.storage.EventStore;
import org.annals.storage.event.StreamName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator changes on a running server, for users with the admin role:
 *
 * <ul>
 *   <li>{@code POST /admin/erase} with {@code {"stream": S, "entity_id": E}} erases one entity's
 *       events ({@link EventStore#erase}) and answers how many went;
 *   <li>{@code PUT /admin/retention} with {@code {"stream": S, "days": N}} (or {@code null} to keep
 *       for ever) sets a stream's retention ({@link EventStore#setRetention});
 *   <li>{@code GET /admin/retention} lists every stream's retention.
 * </ul>
 *
 * Bodies are JSON objects with exactly those fields (400 otherwise, 415 for another content
 * type); every error has a JSON body {@code {"error": ..., "status": ...}}. Thread-safe.
 */
final class AdminHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
  static final String PREFIX = "/admin/";
  private static final String ERASE = "/admin/erase";
  private static final String RETENTION = "/admin/retention";
  /** A body names a stream and an entity or a number: a few hundred bytes at most. */
  private static final long MAX_BODY_BYTES = 8 * 1024;

  private final EventStore store;

  AdminHandler(EventStore store) {
    this.store = store;
  }

  void handle(String target, RequestUser user, HttpServletRequest request, HttpServletResponse response,
      RequestBudget.Lease lease) throws IOException {
    String method = request.getMethod();
    try {
      if (target.equals(ERASE) && method.equals("POST")) {
        JsonNode body = body(request, lease, Set.of("stream", "entity_id"));
        Erasure done = store.erase(text(body, "stream"), text(body, "entity_id"),
            user.anonymous() ? "an anonymous client from " + request.getRemoteAddr() : user.name());
        ObjectNode reply = JsonReplies.JSON.createObjectNode();
        reply.put("stream", done.streamName()).put("events", done.events())
            .put("files_rewritten", done.filesRewritten()).put("files_awaiting_deletion", done.filesAwaitingDeletion());
        JsonReplies.reply(response, 200, reply);
      } else if (target.equals(RETENTION) && method.equals("PUT")) {
        JsonNode body = body(request, lease, Set.of("stream", "days"));
        String stream = text(body, "stream");
        JsonNode days = body.get("days");
        if (days == null || !days.isNull() && !days.canConvertToInt()) {
          throw new BadRequest("\"days\" must be a whole number of days (at least 1), or null to keep events for ever");
        }
        if (!days.isNull() && days.asInt() < 1) {
          throw new BadRequest("\"days\" must be at least 1; got " + days.asInt());
        }
        store.setRetention(stream, days.isNull() ? null : Duration.ofDays(days.asInt()));
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
    } catch (BadRequest | IllegalArgumentException e) {
      JsonReplies.error(response, 400, e.getMessage());
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
    for (Map.Entry<String, Duration> e : store.retention().entrySet()) {
      streams.addObject().put("stream", e.getKey()).put("days", e.getValue().toDays());
    }
    return reply;
  }

  /** The request's JSON object, holding only the named fields. */
  private static JsonNode body(HttpServletRequest request, RequestBudget.Lease lease, Set<String> fields)
      throws IOException {
    String type = request.getContentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).matches("application/json\\s*(;.*)?")) {
      throw new Unsupported("the admin API takes Content-Type: application/json, not " + type);
    }
    byte[] bytes = RequestBodies.readAtMost(request, MAX_BODY_BYTES, lease);
    if (bytes == null) {
      throw new BadRequest("the request body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    JsonNode body;
    try {
      body = JsonReplies.JSON.readTree(bytes);
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

  /** A body of another content type: 415. */
  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }
}
