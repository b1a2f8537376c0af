package org.annals.engine.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.InvalidEventException;
import org.annals.storage.event.NewEvent;

/**
 * Reads the body of {@code POST /streams/{stream}/events}: a JSON array of
 * {@code {"event_type", "entity_id"?, "payload", "metadata"?, "event_id"?, "expected_version"?}}.
 * {@code expected_version} is the version of the entity's last event, or -1 for "the entity has no
 * events yet"; leaving it out means no check. Unknown fields are refused rather than ignored, so a
 * typo never silently drops a condition. Thread-safe.
 */
public final class AppendRequestParser {
  private static final Set<String> FIELDS =
      Set.of("event_type", "entity_id", "payload", "metadata", "event_id", "expected_version");

  private final ObjectMapper json;

  public AppendRequestParser(ObjectMapper json) {
    this.json = json;
  }

  public List<NewEvent> parse(byte[] body) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("the body is not valid JSON: " + e.getOriginalMessage()
          + "; send a JSON array of events");
    } catch (java.io.IOException e) {
      throw new InvalidEventException("the body could not be read: " + e.getMessage());
    }
    if (root == null || !root.isArray()) {
      throw new InvalidEventException("the body must be a JSON array of events, e.g. "
          + "[{\"event_type\": \"OrderPlaced\", \"entity_id\": \"o-1\", \"payload\": {\"amount\": 10}}]");
    }
    List<NewEvent> events = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      events.add(event(i, root.get(i)));
    }
    return events;
  }

  private NewEvent event(int i, JsonNode node) {
    String where = "event " + i + ": ";
    if (!node.isObject()) {
      throw new InvalidEventException(where + "each event must be a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new InvalidEventException(where + "unknown field '" + name + "'; the fields are "
            + new java.util.TreeSet<>(FIELDS));
      }
    }
    JsonNode payload = node.get("payload");
    if (payload != null && !payload.isObject()) {
      throw new InvalidEventException(where + "payload must be a JSON object");
    }
    JsonNode metadata = node.get("metadata");
    if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
      throw new InvalidEventException(where + "metadata must be a JSON object or null");
    }
    return new NewEvent(text(where, node, "event_type"), text(where, node, "entity_id"),
        payload == null ? null : payload.toString(),
        metadata == null || metadata.isNull() ? null : metadata.toString(),
        eventId(where, node), expected(where, node));
  }

  private static String text(String where, JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidEventException(where + field + " must be a string");
    }
    return v.asText();
  }

  private static UUID eventId(String where, JsonNode node) {
    String id = text(where, node, "event_id");
    if (id == null) {
      return null;
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException(where + "event_id '" + id + "' is not a UUID");
    }
  }

  private static ExpectedVersion expected(String where, JsonNode node) {
    JsonNode v = node.get("expected_version");
    if (v == null || v.isNull()) {
      return ExpectedVersion.ANY;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < -1) {
      throw new InvalidEventException(where + "expected_version must be an integer >= -1 (-1: the"
          + " entity has no events yet); got " + v);
    }
    return v.asLong() == -1 ? ExpectedVersion.NO_EVENTS : ExpectedVersion.exactly(v.asLong());
  }
}
