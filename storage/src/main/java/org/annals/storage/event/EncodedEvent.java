package org.annals.storage.event;

import java.util.UUID;

/**
 * A validated event with its text already encoded as UTF-8, ready for the log and the memtable.
 * The arrays are owned by the store once built and are never modified.
 *
 * @param entityIdUtf8 the entity id as UTF-8, or null
 * @param metadata UTF-8 JSON, or null
 */
public record EncodedEvent(
    byte[] eventType,
    byte[] entityIdUtf8,
    byte[] payload,
    byte[] metadata,
    UUID eventId,
    ExpectedVersion expectedVersion) {

  public EncodedEvent withEventId(UUID id) {
    return new EncodedEvent(eventType, entityIdUtf8, payload, metadata, id, expectedVersion);
  }

  /** The bytes this event adds to a log record, used for size limits and batching. */
  public int encodedSize() {
    return eventType.length + payload.length
        + (entityIdUtf8 == null ? 0 : entityIdUtf8.length)
        + (metadata == null ? 0 : metadata.length)
        + 16;
  }
}
