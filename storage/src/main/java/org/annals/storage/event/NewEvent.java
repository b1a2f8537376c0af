package org.annals.storage.event;

import java.util.Objects;
import java.util.UUID;

/**
 * An event as a client hands it to the store, before the store assigns its positions.
 *
 * @param eventType what happened; 1 to 256 characters
 * @param entityId the entity the event is about, or null for none
 * @param payload a JSON object, as text
 * @param metadata a JSON object, as text, or null
 * @param eventId the client's id for idempotent retries, or null to let the store choose one
 * @param expectedVersion the entity's version the client expects; must be {@link ExpectedVersion#ANY}
 *     when {@code entityId} is null
 */
public record NewEvent(
    String eventType,
    String entityId,
    String payload,
    String metadata,
    UUID eventId,
    ExpectedVersion expectedVersion) {

  public NewEvent {
    Objects.requireNonNull(expectedVersion, "expectedVersion");
  }

  /** An event with no metadata, no client event id and no version check. */
  public static NewEvent of(String eventType, String entityId, String payload) {
    return new NewEvent(eventType, entityId, payload, null, null, ExpectedVersion.ANY);
  }

  public NewEvent withMetadata(String newMetadata) {
    return new NewEvent(eventType, entityId, payload, newMetadata, eventId, expectedVersion);
  }

  public NewEvent withEventId(UUID newEventId) {
    return new NewEvent(eventType, entityId, payload, metadata, newEventId, expectedVersion);
  }

  public NewEvent withExpectedVersion(ExpectedVersion newExpected) {
    return new NewEvent(eventType, entityId, payload, metadata, eventId, newExpected);
  }
}
