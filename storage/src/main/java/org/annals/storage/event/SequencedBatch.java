package org.annals.storage.event;

import java.util.List;

/**
 * One atomic append: events to one stream with the positions the store gave them. It is what one
 * WAL record holds and what the memtable receives once that record is durable.
 *
 * <p>Event {@code i} has {@code seq = firstSeq + i} and {@code globalSeq = firstGlobalSeq + i};
 * every event of a batch shares {@code recordedAt}.
 *
 * @param versions the entity version of each event, -1 where the event has no entity
 */
public record SequencedBatch(
    String streamName,
    long firstSeq,
    long firstGlobalSeq,
    long recordedAt,
    List<EncodedEvent> events,
    long[] versions) {

  public int size() {
    return events.size();
  }

  /** One past the last global_seq of this batch. */
  public long endGlobalSeq() {
    return firstGlobalSeq + events.size();
  }

  public EventPosition position(int i) {
    long v = versions[i];
    return new EventPosition(streamName, firstSeq + i, v < 0 ? null : v, firstGlobalSeq + i,
        events.get(i).eventId(), recordedAt);
  }
}
