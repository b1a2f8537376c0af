package org.annals.storage;

import java.util.List;
import org.annals.storage.event.EventColumn;
import org.annals.storage.index.StreamIndex;
import org.annals.storage.memtable.MemtableChunk;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * What memtable chunks loaded from their files tell the append path, as a WAL replay would have
 * told it. Each stream's next seq is needed before the store opens and takes one quick pass;
 * each entity's last version, a hash table of up to millions of entities, only before the first
 * append, so {@link StoreRecovery} builds it in the background.
 */
final class ChunkReplay {
  private ChunkReplay() {}

  /** Moves each stream's next seq past its events in the chunks. */
  static void advanceStreams(List<MemtableChunk> chunks, StreamIndex index) {
    StreamNames names = new StreamNames();
    for (MemtableChunk chunk : chunks) {
      VarCharVector stream = (VarCharVector) chunk.sealedVector(EventColumn.STREAM_NAME);
      BigIntVector seq = (BigIntVector) chunk.sealedVector(EventColumn.SEQ);
      int rows = chunk.rowCount();
      // Batches keep to one stream, and seq only grows within a stream: the last row of each run
      // of one stream's rows holds that stream's newest seq.
      for (int row = 0; row < rows; row++) {
        if (row + 1 == rows || !sameText(stream, row, row + 1)) {
          index.getOrCreate(names.of(stream, row)).advanceTo(seq.get(row) + 1);
        }
      }
    }
  }

  /** The entities' last versions in the chunks, in an index of their own. */
  static StreamIndex versions(List<MemtableChunk> chunks) {
    StreamIndex part = new StreamIndex();
    StreamNames names = new StreamNames();
    for (MemtableChunk chunk : chunks) {
      VarCharVector stream = (VarCharVector) chunk.sealedVector(EventColumn.STREAM_NAME);
      VarCharVector entity = (VarCharVector) chunk.sealedVector(EventColumn.ENTITY_ID);
      BigIntVector version = (BigIntVector) chunk.sealedVector(EventColumn.VERSION);
      StreamIndex.StreamState state = null;
      for (int row = 0; row < chunk.rowCount(); row++) {
        if (state == null || !sameText(stream, row - 1, row)) {
          state = part.getOrCreate(names.of(stream, row));
        }
        if (!entity.isNull(row)) {
          state.recordVersion(entity.get(row), version.get(row));
        }
      }
    }
    return part;
  }

  /** The newest recorded_at in the chunks, or {@code Long.MIN_VALUE} if there is none. */
  static long newestRecordedAt(List<MemtableChunk> chunks) {
    if (chunks.isEmpty()) {
      return Long.MIN_VALUE;
    }
    // recorded_at never goes back along the log, so the last row holds the newest.
    MemtableChunk last = chunks.get(chunks.size() - 1);
    return ((TimeStampMilliTZVector) last.sealedVector(EventColumn.RECORDED_AT)).get(last.rowCount() - 1);
  }

  private static boolean sameText(VarCharVector v, int a, int b) {
    long aStart = v.getStartOffset(a);
    long bStart = v.getStartOffset(b);
    int length = v.getValueLength(a);
    return length == v.getValueLength(b) && ByteFunctionHelpers.equal(v.getDataBuffer(), aStart, aStart + length,
        v.getDataBuffer(), bStart, bStart + length) == 1;
  }
}
