package org.annals.storage.scan;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Iterates the rows of a scan as Arrow batches: the snapshot's Parquet files first (pruned), then
 * its memtable rows. The batch returned by {@link #batch()} is reused by the next call to
 * {@link #next()}. Close before closing the snapshot. Not thread-safe.
 */
public final class EventScanner implements AutoCloseable {
  private final List<RowSource> sources;
  private final BatchBuilder batch;
  private final ScanStats stats;
  private final BooleanSupplier cancelled;
  private int current;

  EventScanner(List<RowSource> sources, BatchBuilder batch, ScanStats stats, BooleanSupplier cancelled) {
    this.sources = sources;
    this.batch = batch;
    this.stats = stats;
    this.cancelled = cancelled;
  }

  /** Loads the next non-empty batch; false when the scan is done. */
  public boolean next() throws IOException {
    batch.reset();
    while (current < sources.size() && !batch.isFull()) {
      if (cancelled.getAsBoolean()) {
        throw new CancellationException("the query was cancelled");
      }
      RowSource source = sources.get(current);
      if (source.fill(batch)) {
        source.close();
        current++;
      }
    }
    batch.finish();
    return batch.rows() > 0;
  }

  /** The batch loaded by the last successful {@link #next()}: the scan's columns, in order. */
  public VectorSchemaRoot batch() {
    return batch.root();
  }

  public ScanStats stats() {
    return stats;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (int i = current; i < sources.size(); i++) {
      try {
        sources.get(i).close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    current = sources.size();
    batch.close();
    if (first != null) {
      throw first;
    }
  }
}
