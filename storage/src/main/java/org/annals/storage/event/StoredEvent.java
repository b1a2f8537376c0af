package org.annals.storage.event;

import java.util.UUID;

/**
 * An event as the store holds it: the client's fields plus the positions the store assigned.
 *
 * @param version the entity's version, or null when {@code entityId} is null
 * @param recordedAt milliseconds since the epoch, UTC, when the store accepted the event
 */
public record StoredEvent(
    String streamName,
    long seq,
    long globalSeq,
    String entityId,
    Long version,
    UUID eventId,
    String eventType,
    long recordedAt,
    String payload,
    String metadata) {}
