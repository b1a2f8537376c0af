package org.annals.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.EncodedEvent;
import org.annals.storage.event.EventIds;
import org.annals.storage.event.EventPosition;
import org.annals.storage.event.InvalidEventException;
import org.annals.storage.event.SequencedBatch;
import org.annals.storage.event.WrongExpectedVersionException;
import org.annals.storage.index.RecentEventIds;
import org.annals.storage.index.StreamIndex;
import org.annals.storage.wal.WalRecordFormat;
import org.annals.storage.wal.WalWriter;

/**
 * Gives appended events their positions, under one short lock: each stream's next seq, each
 * entity's version (checked against the client's expected version), the next global_seq, a
 * recorded_at that never goes back, and an event id where the client gave none. A retried batch
 * (the same client event ids) gets its original positions back. Batches reach the WAL writer in
 * the order they were sequenced, so the log's order is the positions' order. Thread-safe.
 */
final class Sequencer {
  private final Clock clock;
  private final WalWriter wal;
  private final StreamIndex index;
  private final RecentEventIds recentIds;
  /**
   * The entity versions of the memtable chunks a restart mapped, rebuilt in the background along
   * with {@code recentIds} (see {@link StoreRecovery}): neither is used before it is joined.
   */
  private final VersionsRebuild rebuild;
  private volatile boolean rebuildJoined;
  private long nextGlobalSeq;
  private long lastRecordedAt;
  private boolean closed;

  Sequencer(Clock clock, WalWriter wal, StreamIndex index, RecentEventIds recentIds,
      VersionsRebuild rebuild, long nextGlobalSeq, long lastRecordedAt) {
    this.clock = clock;
    this.wal = wal;
    this.index = index;
    this.recentIds = recentIds;
    this.rebuild = rebuild;
    this.nextGlobalSeq = nextGlobalSeq;
    this.lastRecordedAt = lastRecordedAt;
  }

  /**
   * Sequences a validated batch of one stream and hands it to the log; the future completes once
   * it is durable.
   *
   * @throws WrongExpectedVersionException if an expected version does not hold; nothing is stored
   * @throws InvalidEventException if the batch repeats only some stored event ids
   */
  CompletableFuture<AppendResult> append(String stream, List<EncodedEvent> encoded) {
    return settled(() -> sequenceAndSubmit(stream, encoded));
  }

  private CompletableFuture<AppendResult> sequenceAndSubmit(String stream, List<EncodedEvent> encoded) {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
    Throwable failure = wal.failure();
    if (failure != null) {
      throw WalWriter.fenced(failure);
    }
    long now = clock.millis();
    List<EventPosition> originals = findRetried(stream, encoded, now);
    if (originals != null) {
      return wal.barrier().thenApply(v -> new AppendResult(originals, true));
    }
    checkExpectedVersions(stream, encoded);
    SequencedBatch batch = sequence(stream, encoded, now);
    ByteBuffer frame = WalRecordFormat.encode(batch);
    List<EventPosition> positions = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      positions.add(batch.position(i));
    }
    rememberClientIds(encoded, positions, now);
    return wal.submit(batch, frame).thenApply(v -> new AppendResult(positions, false));
  }

  /**
   * Runs a use of the entity versions or the retry memory under the lock, once the rebuild is
   * joined: waited for first outside the lock, which queries listing the streams take too. A
   * rebuild that failed fails every such use, since versions missing from the index would be
   * given again.
   */
  private <T> T settled(Supplier<T> body) {
    if (!rebuildJoined) {
      rebuild.needed().exceptionally(e -> null).join();
    }
    synchronized (this) {
      if (!rebuildJoined) {
        try {
          index.merge(rebuild.needed().join());
          rebuildJoined = true;
        } catch (CompletionException e) {
          throw new IllegalStateException("the store could not rebuild its entity versions at open, so it takes"
              + " no appends; reopen it (" + e.getCause() + ")", e.getCause());
        }
      }
      return body.get();
    }
  }

  /** Makes sure the rebuild holds nothing any more, for a store that closes. */
  void stopRebuild() {
    rebuild.stop();
  }

  /**
   * The original positions if every event of the batch was stored before (a retry), null if none
   * was; a batch that repeats only some stored events is refused.
   */
  private List<EventPosition> findRetried(String stream, List<EncodedEvent> events, long now) {
    List<EventPosition> found = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      EncodedEvent e = events.get(i);
      EventPosition p = e.eventId() == null ? null : recentIds.find(e.eventId(), now);
      if (p != null && !p.streamName().equals(stream)) {
        throw new InvalidEventException(InvalidEventException.about(i) + "event_id " + e.eventId()
            + " is already stored in stream '" + p.streamName() + "'; event ids are unique in the store");
      }
      if (p != null) {
        found.add(p);
      }
      if (found.size() != (p == null ? 0 : i + 1)) {
        throw new InvalidEventException(InvalidEventException.about(i) + "the batch repeats some already-stored"
            + " event ids but not others; a retry must resend exactly the original batch, and new"
            + " events need new event ids");
      }
    }
    return found.isEmpty() ? null : found;
  }

  /**
   * Throws if an event's expected version does not hold; within the batch, each event expects
   * the version the events before it made. Changes nothing.
   */
  private void checkExpectedVersions(String stream, List<EncodedEvent> events) {
    if (!anyExpectation(events)) {
      return;
    }
    StreamIndex.StreamState state = index.get(stream);
    Map<ByteBuffer, Long> batchVersions = new HashMap<>();
    for (EncodedEvent e : events) {
      if (e.entityIdUtf8() != null) {
        ByteBuffer entity = ByteBuffer.wrap(e.entityIdUtf8());
        Long inBatch = batchVersions.get(entity);
        long current = inBatch != null ? inBatch : state == null ? -1 : state.lastVersion(e.entityIdUtf8());
        if (!e.expectedVersion().matches(current)) {
          throw new WrongExpectedVersionException(stream,
              new String(e.entityIdUtf8(), StandardCharsets.UTF_8), e.expectedVersion(), current);
        }
        batchVersions.put(entity, current + 1);
      }
    }
  }

  private static boolean anyExpectation(List<EncodedEvent> events) {
    for (EncodedEvent e : events) {
      if (!e.expectedVersion().isAny()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Gives the events of a batch that passed {@link #checkExpectedVersions} their positions, and
   * moves every counter past the batch together: the entities' versions (one index lookup per
   * event), the stream's next seq, the next global_seq and the last recorded_at.
   */
  private SequencedBatch sequence(String stream, List<EncodedEvent> events, long now) {
    StreamIndex.StreamState state = index.getOrCreate(stream);
    long[] versions = new long[events.size()];
    List<EncodedEvent> withIds = new ArrayList<>(events.size());
    long recordedAt = Math.max(now, lastRecordedAt);
    for (int i = 0; i < events.size(); i++) {
      EncodedEvent e = events.get(i);
      versions[i] = e.entityIdUtf8() == null ? -1 : state.nextVersion(e.entityIdUtf8());
      withIds.add(e.eventId() == null ? e.withEventId(EventIds.newId(recordedAt)) : e);
    }
    long firstSeq = state.nextSeq();
    state.advanceTo(firstSeq + events.size());
    SequencedBatch batch = new SequencedBatch(stream, firstSeq, nextGlobalSeq, recordedAt, withIds, versions);
    nextGlobalSeq = batch.endGlobalSeq();
    lastRecordedAt = recordedAt;
    return batch;
  }

  /** Only a client's own ids can come back in a retry; ids the store made need no memory. */
  private void rememberClientIds(List<EncodedEvent> asGiven, List<EventPosition> positions, long now) {
    for (int i = 0; i < asGiven.size(); i++) {
      if (asGiven.get(i).eventId() != null) {
        recentIds.add(positions.get(i), now);
      }
    }
  }

  /**
   * Forgets the entities whose events have all left a stream (retention, erasure): each given
   * with the last version that left, and forgotten only if no later event of it was appended.
   *
   * @return how many were forgotten
   */
  int forgetGone(String stream, Map<ByteBuffer, Long> lastGoneVersions) {
    return settled(() -> forgetGoneNow(stream, lastGoneVersions));
  }

  private int forgetGoneNow(String stream, Map<ByteBuffer, Long> lastGoneVersions) {
    StreamIndex.StreamState state = index.get(stream);
    if (state == null) {
      return 0;
    }
    int forgotten = 0;
    for (Map.Entry<ByteBuffer, Long> e : lastGoneVersions.entrySet()) {
      if (state.forget(e.getKey().array(), e.getValue())) {
        forgotten++;
      }
    }
    return forgotten;
  }

  /** Forgets event ids of erased events: a batch that repeats them is new again. */
  void forgetIds(List<UUID> eventIds) {
    settled(() -> {
      eventIds.forEach(recentIds::forget);
      return null;
    });
  }

  /** Refuses every later append; returns false if it was closed already. */
  synchronized boolean close() {
    boolean wasOpen = !closed;
    closed = true;
    return wasOpen;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** The streams that have at least one event, sorted by name. */
  synchronized List<String> streams() {
    return index.streamNames();
  }

  /** One past the last global_seq given. */
  synchronized long nextGlobalSeq() {
    return nextGlobalSeq;
  }

  /** Events in one stream; 0 for a stream with none. */
  synchronized long eventCount(String stream) {
    StreamIndex.StreamState s = index.get(stream);
    return s == null ? 0 : s.nextSeq();
  }

  /** Each stream's event and entity counts, by name. */
  Map<String, long[]> streamCounts() {
    return settled(() -> {
      Map<String, long[]> counts = new TreeMap<>();
      for (String name : index.streamNames()) {
        StreamIndex.StreamState s = index.get(name);
        counts.put(name, new long[] {s.nextSeq(), s.entityCount()});
      }
      return counts;
    });
  }
}
