package org.annals.storage.index;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.annals.storage.event.SequencedBatch;

/**
 * What the append path must know about each stream: the next seq, and each entity's last version
 * for optimistic concurrency. Rebuilt on open from the manifest, the Parquet files and the WAL.
 * Not thread-safe: the append sequencer guards it.
 */
public final class StreamIndex {
  private final Map<String, StreamState> streams = new HashMap<>();

  /** One stream's counters. */
  public static final class StreamState {
    private long nextSeq;
    private final EntityVersions lastVersions = new EntityVersions();

    public long nextSeq() {
      return nextSeq;
    }

    /** The entity's last version, or -1 when it has no events in this stream. */
    public long lastVersion(byte[] entityIdUtf8) {
      return lastVersions.get(entityIdUtf8);
    }

    public void advanceTo(long seq) {
      nextSeq = Math.max(nextSeq, seq);
    }

    /** Records the entity's next event and returns its version: 0 for its first. */
    public long nextVersion(byte[] entityIdUtf8) {
      return lastVersions.increment(entityIdUtf8);
    }

    public void recordVersion(byte[] entityIdUtf8, long version) {
      lastVersions.recordMax(entityIdUtf8, version);
    }

    /**
     * Forgets an entity whose events have all left the store, so that its next event is version
     * 0, as on a reopen, which rebuilds versions from the events there are. An entity whose last
     * version is not {@code lastGone} still has a later event, and keeps its versions.
     */
    public boolean forget(byte[] entityIdUtf8, long lastGone) {
      return lastVersions.removeIfLast(entityIdUtf8, lastGone);
    }

    public int entityCount() {
      return lastVersions.size();
    }
  }

  /** Records a batch replayed from the log: its stream's next seq and its entities' versions. */
  public void record(SequencedBatch batch) {
    StreamState stream = getOrCreate(batch.streamName());
    stream.advanceTo(batch.firstSeq() + batch.size());
    for (int i = 0; i < batch.size(); i++) {
      byte[] entity = batch.events().get(i).entityIdUtf8();
      if (entity != null) {
        stream.recordVersion(entity, batch.versions()[i]);
      }
    }
  }

  /**
   * Adds what another index knows, as if its batches had been recorded here: counters and
   * versions only ever move up, so the order of the two makes no difference. {@code other} is
   * not to be used afterwards.
   */
  public void merge(StreamIndex other) {
    other.streams.forEach((name, state) -> {
      StreamState mine = getOrCreate(name);
      mine.advanceTo(state.nextSeq);
      mine.lastVersions.absorb(state.lastVersions);
    });
  }

  /** The stream's state, or null if it has no events. */
  public StreamState get(String stream) {
    return streams.get(stream);
  }

  public StreamState getOrCreate(String stream) {
    return streams.computeIfAbsent(stream, s -> new StreamState());
  }

  public List<String> streamNames() {
    return List.copyOf(new TreeSet<>(streams.keySet()));
  }
}
