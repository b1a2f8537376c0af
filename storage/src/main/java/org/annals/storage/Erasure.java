package org.annals.storage;

/**
 * What an erasure did.
 *
 * @param events the entity's events taken out of the store
 * @param filesRewritten files that held them, each written again without them (or dropped, if it
 *     held nothing else)
 * @param filesAwaitingDeletion replaced files of the store (this erasure's and any earlier
 *     change's) still on disk because a running query reads them; they go within seconds of its
 *     end
 */
public record Erasure(String streamName, long events, int filesRewritten, int filesAwaitingDeletion) {}
