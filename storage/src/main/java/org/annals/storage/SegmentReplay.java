package org.annals.storage;

import java.util.List;
import org.annals.storage.event.SequencedBatch;
import org.annals.storage.index.StreamIndex;
import org.annals.storage.memtable.Memtable;
import org.annals.storage.wal.WalRecovery;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What one WAL segment holds above the manifest, rebuilt on the thread that reads the segment: a
 * memtable of its events and its streams' counters and entity versions. A
 * recovery joins the segments' parts in log order ({@link #joinInto}); nothing here is shared
 * with another segment, so segments are rebuilt side by side.
 */
final class SegmentReplay implements WalRecovery.SegmentSink {
  private final BufferAllocator allocator;
  /** Every event below this is in Parquet files or loaded memtable chunks already. */
  private final long replayFrom;
  private final int chunkRows;
  private final StreamIndex index = new StreamIndex();
  /** Started at the segment's first batch above the manifest, if there is one. */
  private Memtable memtable;
  private long maxRecordedAt = Long.MIN_VALUE;

  SegmentReplay(BufferAllocator allocator, long replayFrom, int chunkRows) {
    this.allocator = allocator;
    this.replayFrom = replayFrom;
    this.chunkRows = chunkRows;
  }

  @Override
  public void accept(SequencedBatch batch) {
    if (batch.firstGlobalSeq() < replayFrom) {
      // Flushes and chunks both end at a record's end, so this is a bug, not damage.
      throw new IllegalStateException("WAL record at global_seq " + batch.firstGlobalSeq()
          + " straddles the position the replay starts from, " + replayFrom);
    }
    if (memtable == null) {
      memtable = new Memtable(allocator, batch.firstGlobalSeq(), chunkRows);
    }
    memtable.insert(List.of(batch));
    index.record(batch);
    maxRecordedAt = Math.max(maxRecordedAt, batch.recordedAt());
  }

  /**
   * Adds this segment's part to the store's, which must hold every earlier segment's already;
   * returns the newest recorded_at of the segment, or {@code Long.MIN_VALUE} if it had no event.
   */
  long joinInto(Memtable storeMemtable, StreamIndex storeIndex) {
    if (memtable != null) {
      storeMemtable.absorb(memtable);
    }
    storeIndex.merge(index);
    return maxRecordedAt;
  }

  @Override
  public void close() {
    if (memtable != null) {
      memtable.close();
    }
  }
}
