package org.annals.engine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.InvalidEventException;
import org.annals.storage.event.NewEvent;

/**
 * Reads the body of {@code POST /streams/{stream}/events}: a JSON array of
 * {@code {"event_type", "entity_id"?, "payload", "metadata"?, "event_id"?, "expected_version"?}}.
 * {@code expected_version} is the version of the entity's last event, or -1 for "the entity has no
 * events yet"; leaving it out means no check. Unknown or repeated fields are refused rather than
 * ignored, so a typo never silently drops a condition.
 *
 * <p>Payload and metadata are kept exactly as the client sent them (the bytes between their
 * braces), never parsed into numbers and written back: an amount like 0.10000000000000000555 or a
 * 20-digit id must be stored as it came. Thread-safe.
 */
public final class AppendRequestParser {
  private static final Set<String> FIELDS =
      Set.of("event_type", "entity_id", "payload", "metadata", "event_id", "expected_version");
  private static final JsonFactory JSON = new JsonFactory();
  /** UUID.fromString also takes short forms ("1-1-1-1-1") and rewrites them; an id is stored as sent. */
  private static final Pattern CANONICAL_UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public List<NewEvent> parse(byte[] body) {
    RequestBodies.requireUtf8(body);
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new InvalidEventException("the body must be a JSON array of events, e.g. "
            + "[{\"event_type\": \"OrderPlaced\", \"entity_id\": \"o-1\", \"payload\": {\"amount\": 10}}]");
      }
      List<NewEvent> events = new ArrayList<>();
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          throw new InvalidEventException(InvalidEventException.about(events.size())
              + "each event must be a JSON object");
        }
        events.add(event(InvalidEventException.about(events.size()), parser, body));
      }
      if (parser.nextToken() != null) {
        throw new InvalidEventException("the body has more after the array of events; send one JSON array");
      }
      return events;
    } catch (JsonProcessingException e) {
      // A limit of the parser's (nesting depth, number or name length) has no location.
      String at = e.getLocation() == null ? "" : " (at byte " + e.getLocation().getByteOffset() + ")";
      throw new InvalidEventException("the body is not valid JSON, or exceeds what a body may hold: "
          + e.getOriginalMessage() + at + "; send a JSON array of events");
    } catch (IOException e) {
      throw new InvalidEventException("the body could not be read: " + e.getMessage());
    }
  }

  private static NewEvent event(String where, JsonParser parser, byte[] body) throws IOException {
    String type = null;
    String entity = null;
    String payload = null;
    String metadata = null;
    UUID id = null;
    ExpectedVersion expected = ExpectedVersion.ANY;
    Set<String> seen = new HashSet<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      if (!FIELDS.contains(name)) {
        throw new InvalidEventException(where + "unknown field '" + name + "'; the fields are "
            + new TreeSet<>(FIELDS));
      }
      if (!seen.add(name)) {
        throw new InvalidEventException(where + "the field '" + name + "' appears twice");
      }
      JsonToken value = parser.nextToken();
      switch (name) {
        case "event_type" -> type = text(where, name, parser, value);
        case "entity_id" -> entity = text(where, name, parser, value);
        case "event_id" -> id = eventId(where, text(where, name, parser, value));
        case "payload" -> {
          if (value != JsonToken.START_OBJECT) {
            throw new InvalidEventException(where + "payload must be a JSON object");
          }
          payload = raw(parser, body);
        }
        case "metadata" -> {
          if (value != JsonToken.VALUE_NULL && value != JsonToken.START_OBJECT) {
            throw new InvalidEventException(where + "metadata must be a JSON object or null");
          }
          metadata = value == JsonToken.VALUE_NULL ? null : raw(parser, body);
        }
        default -> expected = expected(where, parser, value);
      }
    }
    return new NewEvent(type, entity, payload, metadata, id, expected);
  }

  /** The exact text of the object the parser is at, which it then skips. */
  private static String raw(JsonParser parser, byte[] body) throws IOException {
    int start = (int) parser.currentTokenLocation().getByteOffset();
    parser.skipChildren();
    int end = (int) parser.currentLocation().getByteOffset();
    return new String(body, start, end - start, StandardCharsets.UTF_8);
  }

  private static String text(String where, String field, JsonParser parser, JsonToken value)
      throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.VALUE_STRING) {
      throw new InvalidEventException(where + field + " must be a string");
    }
    return parser.getText();
  }

  private static UUID eventId(String where, String id) {
    if (id == null) {
      return null;
    }
    if (!CANONICAL_UUID.matcher(id).matches()) {
      throw new InvalidEventException(where + "event_id '" + id + "' is not a UUID in its canonical form"
          + " (8-4-4-4-12 hexadecimal digits)");
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException(where + "event_id '" + id + "' is not a UUID");
    }
  }

  private static ExpectedVersion expected(String where, JsonParser parser, JsonToken value)
      throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return ExpectedVersion.ANY;
    }
    if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || parser.getLongValue() < -1) {
      throw new InvalidEventException(where + "expected_version must be an integer >= -1 (-1: the"
          + " entity has no events yet); got " + parser.getText());
    }
    long v = parser.getLongValue();
    return v == -1 ? ExpectedVersion.NO_EVENTS : ExpectedVersion.exactly(v);
  }
}
