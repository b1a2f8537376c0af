package org.annals.storage.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Checks a batch against every rule before anything is written, and encodes it for the log. Each
 * rejection names the event (by its index in the batch), what was wrong and what is allowed.
 * Thread-safe: it holds only its limits.
 */
public final class EventValidator {
  public static final int MAX_EVENT_TYPE_CHARS = 256;
  public static final int MAX_ENTITY_ID_CHARS = 256;

  /**
   * Validation keeps no names, so {@code String.intern} would be pure cost. Canonicalizing stays
   * on: without it Jackson parses UTF-8 bytes through its slower Reader-based parser.
   */
  private static final JsonFactory JSON = JsonFactory.builder()
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .build();

  private final int maxEventBytes;
  private final int maxBatchEvents;
  private final long maxBatchBytes;

  /**
   * @param maxEventBytes the largest event: payload, metadata, type and entity id in UTF-8
   * @param maxBatchEvents the most events in one append
   * @param maxBatchBytes the most bytes of all events in one append
   */
  public EventValidator(int maxEventBytes, int maxBatchEvents, long maxBatchBytes) {
    this.maxEventBytes = maxEventBytes;
    this.maxBatchEvents = maxBatchEvents;
    this.maxBatchBytes = maxBatchBytes;
  }

  /** Validates a batch for a stream and returns it encoded, or throws on the first broken rule. */
  public List<EncodedEvent> validate(String streamName, List<NewEvent> events) {
    StreamName.check(streamName);
    if (events == null || events.isEmpty()) {
      throw new InvalidEventException("an append needs at least one event; the batch is empty");
    }
    if (events.size() > maxBatchEvents) {
      throw new EventTooLargeException("the batch has " + events.size()
          + " events; at most " + maxBatchEvents + " events are allowed in one append");
    }
    List<EncodedEvent> encoded = new ArrayList<>(events.size());
    Set<UUID> ids = new HashSet<>();
    long batchBytes = 0;
    for (int i = 0; i < events.size(); i++) {
      EncodedEvent e = validateOne(i, events.get(i));
      if (e.eventId() != null && !ids.add(e.eventId())) {
        throw new InvalidEventException(InvalidEventException.about(i) + "event_id " + e.eventId()
            + " appears twice in the batch; event ids must be unique");
      }
      batchBytes += e.encodedSize();
      if (batchBytes > maxBatchBytes) {
        throw new EventTooLargeException("the batch is larger than " + maxBatchBytes
            + " bytes at event " + i + "; split it into smaller appends");
      }
      encoded.add(e);
    }
    return encoded;
  }

  private EncodedEvent validateOne(int i, NewEvent event) {
    if (event == null) {
      throw new InvalidEventException(InvalidEventException.about(i) + "the event is null");
    }
    String type = event.eventType();
    if (type == null || type.isEmpty() || type.codePointCount(0, type.length()) > MAX_EVENT_TYPE_CHARS) {
      throw new InvalidEventException(InvalidEventException.about(i) + "event_type " + (type == null ? "is missing" : type.isEmpty()
          ? "is empty" : "has " + type.codePointCount(0, type.length()) + " characters")
          + "; an event type has 1 to " + MAX_EVENT_TYPE_CHARS + " characters");
    }
    String entityId = event.entityId();
    if (entityId != null) {
      requireEntityIdLength(InvalidEventException.about(i), entityId);
    }
    if (entityId == null && !event.expectedVersion().isAny()) {
      throw new InvalidEventException(InvalidEventException.about(i) + "an expected version (" + event.expectedVersion()
          + ") needs an entity_id; events about no entity have no version");
    }
    requirePrintable(InvalidEventException.about(i), "event_type", type);
    if (entityId != null) {
      requirePrintable(InvalidEventException.about(i), "entity_id", entityId);
    }
    if (event.payload() == null) {
      throw new InvalidEventException(InvalidEventException.about(i) + "payload is missing; it must be a JSON object");
    }
    byte[] typeBytes = encode(i, "event_type", type);
    byte[] entityBytes = entityId == null ? null : encode(i, "entity_id", entityId);
    byte[] payload = encode(i, "payload", event.payload());
    byte[] metadata = event.metadata() == null ? null : encode(i, "metadata", event.metadata());
    EncodedEvent encoded = new EncodedEvent(typeBytes, entityBytes, payload, metadata,
        event.eventId(), event.expectedVersion());
    if (encoded.encodedSize() > maxEventBytes) {
      throw new EventTooLargeException(InvalidEventException.about(i) + "the event is " + encoded.encodedSize()
          + " bytes; at most " + maxEventBytes + " bytes are allowed (payload, metadata, type and"
          + " entity id in UTF-8)");
    }
    requireJsonObject(i, "payload", payload);
    if (metadata != null) {
      requireJsonObject(i, "metadata", metadata);
    }
    return encoded;
  }

  /**
   * Throws if an entity id is one no event can have, as an append would refuse it: for an erasure,
   * which looks one up.
   */
  public static void checkEntityId(String entityId) {
    requireEntityIdLength("", entityId);
    requirePrintable("", "entity_id", entityId);
  }

  /** @param about what the message starts with: which event of a batch, or nothing */
  private static void requireEntityIdLength(String about, String entityId) {
    if (entityId.isEmpty() || entityId.codePointCount(0, entityId.length()) > MAX_ENTITY_ID_CHARS) {
      throw new InvalidEventException(about + "entity_id " + (entityId.isEmpty()
          ? "is empty" : "has " + entityId.codePointCount(0, entityId.length()) + " characters")
          + "; an entity id is null or has 1 to " + MAX_ENTITY_ID_CHARS + " characters");
    }
  }

  /**
   * Names (a type, an entity id) hold no control characters: a NUL or a line break in one would
   * reach logs, CSV exports and tools' displays as if it were part of their structure.
   *
   * @param about what the message starts with: which event of a batch, or nothing
   */
  private static void requirePrintable(String about, String field, String name) {
    for (int c = 0; c < name.length(); c++) {
      if (Character.isISOControl(name.charAt(c))) {
        throw new InvalidEventException(about + field + " holds a control character (U+"
            + String.format("%04X", (int) name.charAt(c)) + " at character " + c + "); names are printable text");
      }
    }
  }

  private static byte[] encode(int i, String field, String text) {
    for (int c = 0; c < text.length(); c++) {
      char ch = text.charAt(c);
      if (Character.isSurrogate(ch)) {
        boolean paired = Character.isHighSurrogate(ch) && c + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(c + 1));
        if (!paired) {
          throw new InvalidEventException(InvalidEventException.about(i) + field + " is not valid Unicode text (an"
              + " unpaired surrogate at character " + c + "); text must be valid UTF-8");
        }
        c++;
      }
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void requireJsonObject(int i, String field, byte[] json) {
    if (JsonObjectSyntax.isObject(json)) {
      return;
    }
    // The fast check is conservative; Jackson has the final word, and says what is wrong.
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidEventException(InvalidEventException.about(i) + field + " must be a JSON object ({...}); got "
            + preview(json));
      }
      // Input came from a Java string through a strict encoder, so it is valid UTF-8 already;
      // skipping still tokenizes every value and catches any malformed JSON.
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new InvalidEventException(InvalidEventException.about(i) + field
            + " is not valid JSON: there is more text after the object; send one JSON object");
      }
    } catch (IOException e) {
      throw new InvalidEventException(InvalidEventException.about(i) + field + " is not valid JSON: "
          + e.getMessage().lines().findFirst().orElse("parse error") + "; it must be a JSON object");
    }
  }

  private static String preview(byte[] json) {
    String s = new String(json, 0, Math.min(json.length, 40), StandardCharsets.UTF_8);
    return "'" + s + (json.length > 40 ? "...'" : "'");
  }

}
