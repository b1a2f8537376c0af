package org.annals.storage.scan;

import org.annals.storage.memtable.MemtableChunk;
import org.annals.storage.memtable.PinnedRows;

/**
 * Reads the pinned rows of one memtable chunk, skipping those already in Parquet files (below the
 * snapshot's covered position). Not thread-safe.
 */
final class MemtableSource implements RowSource {
  private final MemtableChunk chunk;
  private final int end;
  private final ScanSpec spec;
  private final ScanSpec.Encoded encoded;
  private final ScanStats stats;
  private int next;

  MemtableSource(PinnedRows.Part part, long coveredGlobalSeq, ScanSpec spec, ScanSpec.Encoded encoded,
      ScanStats stats) {
    this.chunk = part.chunk();
    this.end = part.rows();
    this.spec = spec;
    this.encoded = encoded;
    this.stats = stats;
    this.next = firstRow(part, coveredGlobalSeq, spec);
  }

  /**
   * The first row of a part a scan reads: rows below the manifest's covered position are in
   * files already, rows below the spec's least global_seq cannot match.
   */
  static int firstRow(PinnedRows.Part part, long coveredGlobalSeq, ScanSpec spec) {
    long first = part.chunk().firstGlobalSeq();
    long from = Math.max(coveredGlobalSeq, spec.globalSeqMin());
    return (int) Math.min(part.rows(), Math.max(0, from - first));
  }

  @Override
  public boolean fill(BatchBuilder batch) {
    if (encoded.entityId() != null) {
      // An entity's rows come from the chunk's index; there are few, so one pass takes them all
      // unless the batch fills first.
      int[] resume = {next};
      chunk.readEntity(encoded.entityId(), next, end, row -> {
        if (batch.isFull()) {
          resume[0] = row.index();
          return false;
        }
        stats.memtableRowsRead++;
        if (spec.test(row, encoded)) {
          batch.add(row);
          stats.rowsReturned++;
        }
        resume[0] = row.index() + 1;
        return true;
      });
      boolean stopped = batch.isFull() && resume[0] < end;
      next = stopped ? resume[0] : end;
      return next >= end;
    }
    chunk.read(next, end, row -> {
      next = row.index() + 1;
      stats.memtableRowsRead++;
      if (spec.test(row, encoded)) {
        batch.add(row);
        stats.rowsReturned++;
      }
      return !batch.isFull();
    });
    if (spec.globalSeqMax() != Long.MAX_VALUE
        && chunk.firstGlobalSeq() + next > spec.globalSeqMax()) {
      next = end;
    }
    return next >= end;
  }

  @Override
  public void close() {
    // The chunk is pinned by the snapshot, which releases it.
  }
}
