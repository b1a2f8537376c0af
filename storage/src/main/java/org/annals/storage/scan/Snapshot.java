package org.annals.storage.scan;

import java.io.IOException;
import org.apache.parquet.ParquetRuntimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.annals.storage.arrow.EventVectors;
import org.annals.storage.event.EventColumn;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.memtable.PinnedRows;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

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

  private static final BooleanSupplier NEVER = () -> false;

  private final Manifest manifest;
  private final PinnedRows memtable;
  private final DataFolder folder;
  private final BufferAllocator allocator;
  private final ParquetFiles files;
  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param onClose run once when the snapshot closes: the store learns that no scan of it
   *     reads its manifest's files any more
   */
  public Snapshot(Manifest manifest, PinnedRows memtable, DataFolder folder, BufferAllocator allocator,
      ParquetFiles files, Runnable onClose) {
    this.manifest = manifest;
    this.memtable = memtable;
    this.folder = folder;
    this.allocator = allocator;
    this.files = files;
    this.onClose = onClose;
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
    return scan(spec, NEVER);
  }

  /**
   * Starts a scan that stops with a {@link java.util.concurrent.CancellationException} once
   * {@code cancelled} says so (it is asked between sources and batches); the caller closes the
   * scanner.
   */
  public EventScanner scan(ScanSpec spec, BooleanSupplier cancelled) {
    checkOpen();
    ScanStats stats = new ScanStats();
    List<RowSource> sources = new ArrayList<>();
    if (!spec.matchesNothing()) {
      ScanSpec.Encoded encoded = spec.encoded();
      for (DataFile f : manifest.files()) {
        stats.filesListed++;
        if (spec.mayMatch(f)) {
          ScanSpec fileSpec = spec.narrowedTo(f);
          sources.add(new ParquetFileSource(folder.root(), f, fileSpec, fileSpec.encoded(), files, stats));
        }
      }
      for (PinnedRows.Part part : memtable.parts()) {
        sources.add(new MemtableSource(part, manifest.coveredGlobalSeq(), spec, encoded, stats));
      }
    }
    return new EventScanner(sources, new BatchBuilder(spec.columns(), allocator, BATCH_ROWS), stats,
        cancelled);
  }

  /**
   * Starts a scan of the {@code n} rows a spec selects with the greatest ({@code descending}) or
   * least values of a position column (seq, global_seq or recorded_at), in no particular order:
   * the rows of an {@code ORDER BY column LIMIT n}, which the caller still sorts. A first pass reads
   * only that column and global_seq, from the memtable and then from the files in the order of
   * their manifest bound for the column, and stops at the first file whose bound cannot beat the
   * n rows kept; a second pass reads the wanted columns of those rows alone. Between ties for the
   * last place, which rows are returned is not defined, as in SQL.
   */
  public EventScanner top(ScanSpec spec, EventColumn column, boolean descending, int n, BooleanSupplier cancelled)
      throws IOException {
    checkOpen();
    if (!column.isPosition()) {
      throw new IllegalArgumentException("a top-n orders by seq, global_seq or recorded_at, not " + column.columnName());
    }
    TopKeys best = new TopKeys(n, descending);
    if (!spec.matchesNothing()) {
      List<EventColumn> read = column == EventColumn.GLOBAL_SEQ ? List.of(column) : List.of(column, EventColumn.GLOBAL_SEQ);
      ScanSpec keys = spec.withColumns(read);
      ScanSpec.Encoded encoded = keys.encoded();
      ScanStats stats = new ScanStats();
      for (PinnedRows.Part part : memtable.parts()) {
        offerAll(new MemtableSource(part, manifest.coveredGlobalSeq(), keys, encoded, stats), read, best, stats,
            cancelled);
      }
      List<DataFile> candidates = new ArrayList<>();
      for (DataFile f : manifest.files()) {
        if (keys.mayMatch(f)) {
          candidates.add(f);
        }
      }
      Comparator<DataFile> byBound = Comparator.comparingLong(f -> f.bound(column, descending));
      candidates.sort(descending ? byBound.reversed() : byBound);
      for (DataFile f : candidates) {
        if (!best.mayImprove(f.bound(column, descending))) {
          break;
        }
        ScanSpec fileSpec = keys.narrowedTo(f);
        offerAll(new ParquetFileSource(folder.root(), f, fileSpec, fileSpec.encoded(), files, stats),
            read, best, stats, cancelled);
      }
    }
    return scan(spec.withGlobalSeqs(best.globalSeqs()), cancelled);
  }

  /**
   * Offers every row of one source to the kept rows, read as batches of the ordering column and
   * then global_seq (one vector when they are the same).
   */
  private void offerAll(RowSource source, List<EventColumn> read, TopKeys best, ScanStats stats,
      BooleanSupplier cancelled) throws IOException {
    try (EventScanner scan = new EventScanner(List.of(source), new BatchBuilder(read, allocator, BATCH_ROWS), stats,
        cancelled)) {
      while (scan.next()) {
        VectorSchemaRoot batch = scan.batch();
        FieldVector values = batch.getVector(0);
        FieldVector globalSeqs = batch.getVector(read.size() - 1);
        for (int i = 0, rows = batch.getRowCount(); i < rows; i++) {
          best.offer(EventVectors.getLong(values, i), EventVectors.getLong(globalSeqs, i));
        }
      }
    }
  }

  /**
   * Computes an aggregate over the rows a spec selects (its columns are ignored) and returns one
   * row per group: the keys, then the measures (see {@link AggregateSpec}). Files whose manifest
   * entry answers for them are not opened.
   *
   * @param stats receives what the aggregate read, pruned and took from the manifest
   */
  public List<Object[]> aggregate(ScanSpec spec, AggregateSpec aggregate, BooleanSupplier cancelled,
      ScanStats stats) throws IOException {
    checkOpen();
    Aggregation aggregation = new Aggregation(aggregate, spec, stats, cancelled);
    if (spec.matchesNothing()) {
      return aggregation.rows();
    }
    for (DataFile f : manifest.files()) {
      stats.filesListed++;
      if (!spec.mayMatch(f) || aggregation.addFromManifest(f)) {
        continue;
      }
      ScanSpec fileSpec = spec.narrowedTo(f);
      try (ParquetRowGroups groups = new ParquetRowGroups(folder.root(), f, fileSpec, aggregation.neededColumns(fileSpec),
          files, stats)) {
        try {
          aggregation.addParquet(groups, fileSpec);
        } catch (IOException | ParquetRuntimeException e) {
          throw groups.readFailure(e);
        }
      }
    }
    for (PinnedRows.Part part : memtable.parts()) {
      int from = MemtableSource.firstRow(part, manifest.coveredGlobalSeq(), spec);
      aggregation.addMemtable(part.chunk(), from, part.rows());
    }
    return aggregation.rows();
  }

  /**
   * Reads every page of every committed file of the snapshot, checking each page's checksum and
   * header, and returns every file found damaged since the store opened, these included
   * (relative path to what was wrong). Decodes no values: a page whose checksum holds decodes.
   */
  public Map<String, String> verify() throws IOException {
    checkOpen();
    ScanStats stats = new ScanStats();
    for (DataFile f : manifest.files()) {
      try (ParquetRowGroups groups = new ParquetRowGroups(folder.root(), f, ScanSpec.all(), List.of(EventColumn.values()),
          files, stats)) {
        try {
          while (groups.nextGroup()) {
            groups.readPages();
          }
        } catch (IOException | ParquetRuntimeException e) {
          IOException failure = groups.readFailure(e);
          if (!(failure instanceof DamagedFileException)) {
            throw failure;
          }
        }
      }
    }
    return files.damaged();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the snapshot is closed");
    }
  }

  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      memtable.release();
      onClose.run();
    }
  }
}
