package org.annals.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.annals.storage.event.EventColumn;
import org.annals.storage.fs.CrashPoint;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.manifest.ManifestStore;
import org.annals.storage.memtable.Memtable;
import org.annals.storage.memtable.MemtableChunk;
import org.annals.storage.memtable.PinnedRows;
import org.annals.storage.parquet.PartitionFileWriter;
import org.annals.storage.parquet.PartitionPath;
import org.annals.storage.wal.WalSegments;
import org.annals.storage.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves memtable events into Parquet files and commits them:
 *
 * <ol>
 *   <li>roll the WAL, so every event acknowledged so far sits in segments a commit can delete;
 *   <li>seal the memtable and take all of its rows;
 *   <li>write one file per (stream, UTC day), rows sorted by entity_id, version, seq;
 *   <li>commit a manifest listing the new files and covering the log up to the last row (the
 *       commit point);
 *   <li>publish it and drop the covered memtable rows in one step;
 *   <li>delete the WAL segments the manifest covers.
 * </ol>
 *
 * A failure before step 4 leaves orphan files that the next open deletes, and loses nothing: the
 * events are still in the memtable and the log. A failure during step 4 leaves the outcome unknown,
 * so the flusher refuses to run again until the store is reopened, and deletes nothing. One flush
 * runs at a time (the methods are synchronized).
 */
final class MemtableFlusher {
  private static final Logger LOG = LoggerFactory.getLogger(MemtableFlusher.class);

  /** What a flush did. */
  record Result(int files, long rows, long manifestVersion, int walSegmentsDeleted) {}

  private final DataFolder folder;
  private final Memtable memtable;
  private final WalWriter wal;
  private final ManifestStore manifests;
  private final PartitionFileWriter fileWriter;
  private final CommittedState state;
  private IOException uncertainCommit;
  private volatile long lastFlushMillis = -1;

  MemtableFlusher(DataFolder folder, Memtable memtable, WalWriter wal, ManifestStore manifests,
      PartitionFileWriter fileWriter, CommittedState state) {
    this.folder = folder;
    this.memtable = memtable;
    this.wal = wal;
    this.manifests = manifests;
    this.fileWriter = fileWriter;
    this.state = state;
  }

  synchronized Result flush() throws IOException {
    if (uncertainCommit != null) {
      throw new IOException("flushing is disabled since a manifest commit failed with an unknown"
          + " outcome; reopen the store to recover", uncertainCommit);
    }
    wal.roll().join();
    PinnedRows pinned = memtable.sealForFlush();
    try {
      Manifest base = state.manifest();
      Map<String, List<SortedRow>> partitions = partition(pinned, base.coveredGlobalSeq());
      if (partitions.isEmpty()) {
        return new Result(0, 0, base.version(), 0);
      }
      List<DataFile> files = new ArrayList<>();
      Map<String, Long> streamNextSeq = new HashMap<>();
      long rows = 0;
      for (Map.Entry<String, List<SortedRow>> p : partitions.entrySet()) {
        List<SortedRow> partRows = p.getValue();
        partRows.sort(SortedRow.ORDER);
        List<MemtableChunk.Row> ordered = new ArrayList<>(partRows.size());
        for (SortedRow r : partRows) {
          ordered.add(r.row());
          streamNextSeq.merge(r.stream(), r.seq() + 1, Math::max);
        }
        SortedRow first = partRows.get(0);
        files.add(fileWriter.write(first.stream(), first.day(), ordered));
        rows += partRows.size();
      }
      Manifest next = base.plus(files, pinned.endGlobalSeq(), streamNextSeq);
      commit(next);
      state.publish(next);
      lastFlushMillis = System.currentTimeMillis();
      int deleted = WalSegments.deleteCovered(folder.wal(), next.coveredGlobalSeq());
      CrashPoint.WAL_DELETED.reached();
      LOG.info("flushed {} events into {} files; manifest {} covers global_seq < {}; {} WAL segments deleted",
          rows, files.size(), next.version(), next.coveredGlobalSeq(), deleted);
      return new Result(files.size(), rows, next.version(), deleted);
    } finally {
      pinned.release();
    }
  }

  private void commit(Manifest next) throws IOException {
    try {
      manifests.commit(next);
    } catch (IOException | RuntimeException e) {
      uncertainCommit = new IOException("committing manifest " + next.version() + " failed: "
          + e.getMessage(), e);
      throw uncertainCommit;
    }
  }

  /** Epoch milliseconds of the last committed flush since open, or -1. */
  long lastFlushMillis() {
    return lastFlushMillis;
  }

  private static Map<String, List<SortedRow>> partition(PinnedRows pinned, long covered) {
    Map<String, List<SortedRow>> partitions = new TreeMap<>();
    for (PinnedRows.Part part : pinned.parts()) {
      MemtableChunk chunk = part.chunk();
      int start = (int) Math.max(0, Math.min(part.rows(), covered - chunk.firstGlobalSeq()));
      for (int i = start; i < part.rows(); i++) {
        MemtableChunk.Row row = chunk.sealedRow(i);
        SortedRow r = SortedRow.of(row);
        partitions.computeIfAbsent(r.stream() + "/" + r.day(), k -> new ArrayList<>()).add(r);
      }
    }
    return partitions;
  }

  /** A memtable row with the keys a partition is sorted by, extracted once. */
  private record SortedRow(MemtableChunk.Row row, String stream, String day, byte[] entity,
      long version, long seq) {
    static final Comparator<SortedRow> ORDER = Comparator
        .comparing(SortedRow::entity, Comparator.nullsFirst(Arrays::compareUnsigned))
        .thenComparingLong(SortedRow::version)
        .thenComparingLong(SortedRow::seq);

    static SortedRow of(MemtableChunk.Row row) {
      String stream = new String(row.getBytes(EventColumn.STREAM_NAME), java.nio.charset.StandardCharsets.UTF_8);
      boolean noEntity = row.isNull(EventColumn.ENTITY_ID);
      return new SortedRow(row, stream, PartitionPath.day(row.getLong(EventColumn.RECORDED_AT)),
          noEntity ? null : row.getBytes(EventColumn.ENTITY_ID),
          noEntity ? -1 : row.getLong(EventColumn.VERSION),
          row.getLong(EventColumn.SEQ));
    }
  }
}
