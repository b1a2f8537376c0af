package org.annals.storage.event;

import java.util.UUID;

/**
 * Where an appended event landed.
 *
 * @param version the entity's version, or null for an event about no entity
 */
public record EventPosition(
    String streamName, long seq, Long version, long globalSeq, UUID eventId, long recordedAt) {}
