package org.annals.storage.scan;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.memtable.PinnedRows;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.conf.Configuration;

/**
 * What one query reads: one manifest version plus the memtable rows that were acknowledged when
 * the snapshot was taken, up to one global_seq. The manifest's files and the memtable rows above
 * its covered position never overlap, and the pinned memtable rows stay readable until the
 * snapshot is closed, so a flush running beside a scan neither doubles nor loses a row.
 *
 * <p>Scans may run from several threads at once, each with its own scanner; close every scanner
 * before the snapshot.
 */
public final class Snapshot implements AutoCloseable {
  /** Rows per Arrow batch: thousands, so per-batch costs vanish, yet small enough for memory. */
  public static final int BATCH_ROWS = 4096;

  private final Manifest manifest;
  private final PinnedRows memtable;
  private final DataFolder folder;
  private final Configuration conf;
  private final BufferAllocator allocator;
  private final AtomicBoolean closed = new AtomicBoolean();

  public Snapshot(Manifest manifest, PinnedRows memtable, DataFolder folder, Configuration conf,
      BufferAllocator allocator) {
    this.manifest = manifest;
    this.memtable = memtable;
    this.folder = folder;
    this.conf = conf;
    this.allocator = allocator;
  }

  public Manifest manifest() {
    return manifest;
  }

  /** One past the highest global_seq this snapshot sees. */
  public long endGlobalSeq() {
    return Math.max(memtable.endGlobalSeq(), manifest.coveredGlobalSeq());
  }

  /** Rows of the snapshot still in the memtable. */
  public long memtableRows() {
    return memtable.rowCount();
  }

  /** Starts a scan; the caller closes the scanner. */
  public EventScanner scan(ScanSpec spec) {
    if (closed.get()) {
      throw new IllegalStateException("the snapshot is closed");
    }
    ScanStats stats = new ScanStats();
    List<RowSource> sources = new ArrayList<>();
    if (!spec.matchesNothing()) {
      ScanSpec.Encoded encoded = spec.encoded();
      // A file holds one stream, matched here, so its rows need no stream check or column.
      ScanSpec fileSpec = spec.withAnyStream();
      ScanSpec.Encoded fileEncoded = fileSpec.encoded();
      for (DataFile f : manifest.files()) {
        stats.filesListed++;
        if (spec.mayMatch(f)) {
          sources.add(new ParquetFileSource(folder.resolve(f.path()), conf, fileSpec, fileEncoded,
              stats));
        }
      }
      for (PinnedRows.Part part : memtable.parts()) {
        sources.add(new MemtableSource(part, manifest.coveredGlobalSeq(), spec, encoded, stats));
      }
    }
    return new EventScanner(sources, new BatchBuilder(spec.columns(), allocator, BATCH_ROWS), stats);
  }

  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      memtable.release();
    }
  }
}
