package org.annals.storage;

import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.annals.storage.concurrent.DaemonThreads;
import org.annals.storage.event.EventColumn;
import org.annals.storage.fs.CrashPoint;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.memtable.FileOrderRows;
import org.annals.storage.memtable.Memtable;
import org.annals.storage.memtable.MemtableChunk;
import org.annals.storage.memtable.PinnedRows;
import org.annals.storage.parquet.PartitionFileWriter;
import org.annals.storage.parquet.PartitionPath;
import org.annals.storage.wal.WalSegments;
import org.annals.storage.wal.WalWriter;
import org.apache.arrow.memory.util.ArrowBufPointer;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves memtable events into Parquet files and commits them:
 *
 * <ol>
 *   <li>roll the WAL, so every event acknowledged so far sits in segments a commit can delete;
 *   <li>seal the memtable and take all of its rows;
 *   <li>write one file per (stream, UTC day), rows sorted by entity_id, version, seq, several
 *       partitions at once on the writer threads;
 *   <li>commit a manifest listing the new files and covering the log up to the last row (the
 *       commit point);
 *   <li>publish it and drop the covered memtable rows in one step;
 *   <li>delete the WAL segments the manifest covers.
 * </ol>
 *
 * A failure before step 4 deletes the files this flush wrote (the next open deletes any it could
 * not) and loses nothing: the events are still in the memtable and the log. A failure during step
 * 4 leaves the outcome unknown, so {@link ManifestCommits} refuses every later commit until the
 * store is reopened, and nothing is deleted. One flush runs at a time (the methods are
 * synchronized); a compaction may commit between its steps, and the flush's files are added to
 * the manifest current at its commit.
 */
final class MemtableFlusher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MemtableFlusher.class);

  private final DataFolder folder;
  private final Memtable memtable;
  private final WalWriter wal;
  private final ManifestCommits commits;
  private final PartitionFileWriter fileWriter;
  private final CommittedState state;
  private final ExecutorService writers;
  private volatile long lastFlushMillis = -1;
  private final AtomicLong flushes = new AtomicLong();
  private final AtomicLong flushNanos = new AtomicLong();

  MemtableFlusher(DataFolder folder, Memtable memtable, WalWriter wal, ManifestCommits commits,
      PartitionFileWriter fileWriter, CommittedState state, int writerThreads) {
    this.folder = folder;
    this.memtable = memtable;
    this.wal = wal;
    this.commits = commits;
    this.fileWriter = fileWriter;
    this.state = state;
    this.writers = Executors.newFixedThreadPool(writerThreads, DaemonThreads.numbered("annals-file-writer"));
  }

  synchronized void flush() throws IOException {
    commits.checkUsable();
    long started = System.nanoTime();
    wal.roll().join();
    PinnedRows pinned = memtable.sealForFlush();
    try {
      Map<Partition, LongArrayList> partitions = partition(pinned, state.manifest().coveredGlobalSeq());
      if (partitions.isEmpty()) {
        return;
      }
      List<DataFile> files = writeAll(pinned.parts(), partitions);
      Map<String, Long> streamNextSeq = new HashMap<>();
      long rows = 0;
      for (DataFile f : files) {
        streamNextSeq.merge(f.streamName(), f.maxSeq() + 1, Math::max);
        rows += f.rows();
      }
      Manifest next = commits.commit(m -> m.plus(files, pinned.endGlobalSeq(), streamNextSeq), List.of());
      lastFlushMillis = System.currentTimeMillis();
      flushes.incrementAndGet();
      flushNanos.addAndGet(System.nanoTime() - started);
      int deleted = WalSegments.deleteCovered(folder.wal(), next.coveredGlobalSeq());
      CrashPoint.WAL_DELETED.reached();
      LOG.info("flushed {} events into {} files; manifest {} covers global_seq < {}; {} WAL segments deleted",
          rows, files.size(), next.version(), next.coveredGlobalSeq(), deleted);
    } finally {
      pinned.release();
    }
  }

  /**
   * Sorts and writes every partition on the writer threads; returns the files in partition order.
   * If any write fails, waits for the others and deletes what they wrote before throwing.
   */
  private List<DataFile> writeAll(List<PinnedRows.Part> parts, Map<Partition, LongArrayList> partitions)
      throws IOException {
    List<Future<DataFile>> pending = new ArrayList<>();
    Throwable failure = null;
    try {
      for (Map.Entry<Partition, LongArrayList> p : partitions.entrySet()) {
        pending.add(writers.submit(() -> write(p.getKey(),
            FileOrderRows.sorted(parts, p.getValue().elements(), p.getValue().size()))));
      }
    } catch (RejectedExecutionException e) {
      failure = new IOException("the store is closing; the flush was not started", e);
    }
    List<DataFile> files = new ArrayList<>();
    for (Future<DataFile> f : pending) {
      try {
        files.add(awaitUninterruptibly(f));
      } catch (ExecutionException e) {
        failure = addTo(failure, e.getCause());
      }
    }
    // An interrupt waited for above would fail the commit's fsyncs with an unknown outcome, which
    // disables flushing until a reopen; stopping here leaves nothing uncertain.
    if (failure == null && Thread.currentThread().isInterrupted()) {
      failure = new InterruptedIOException("the flush was interrupted; nothing was committed");
    }
    if (failure == null) {
      return files;
    }
    for (DataFile written : files) {
      try {
        Files.deleteIfExists(folder.resolve(written.path()));
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
    throw failure instanceof IOException io ? io : new IOException("flush failed: " + failure, failure);
  }

  /**
   * Waits for a write even when interrupted: the caller releases the memtable rows the write
   * reads as soon as this returns, so it must not return while the write still runs.
   */
  private static DataFile awaitUninterruptibly(Future<DataFile> write) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return write.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private DataFile write(Partition partition, FileOrderRows rows) throws IOException {
    return fileWriter.write(partition.stream(), PartitionPath.dayName(partition.epochDay()), rows,
        rows.size());
  }

  private static Throwable addTo(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /** Flushes committed since open that wrote files. */
  long flushes() {
    return flushes.get();
  }

  /** Time those flushes took, from sealing the memtable to deleting the WAL they covered. */
  long flushNanos() {
    return flushNanos.get();
  }

  /** Epoch milliseconds of the last committed flush since open, or -1. */
  long lastFlushMillis() {
    return lastFlushMillis;
  }

  /** Stops the writer threads once a running flush is done; call after the last flush. */
  @Override
  public synchronized void close() {
    writers.shutdown();
  }

  /**
   * Groups the rows not yet covered by the manifest by partition, in global_seq order within each.
   * Rows come in appended batches of one stream, so the last partition is cached rather than
   * looked up for every row.
   */
  private static Map<Partition, LongArrayList> partition(PinnedRows pinned, long covered) {
    Map<Partition, LongArrayList> partitions = new TreeMap<>();
    // Stream names are compared in place and decoded only where they change, so this pass over
    // every row allocates nothing per row.
    ArrowBufPointer current = new ArrowBufPointer();
    ArrowBufPointer previous = new ArrowBufPointer();
    Partition last = null;
    LongArrayList lastRows = null;
    List<PinnedRows.Part> parts = pinned.parts();
    for (int p = 0; p < parts.size(); p++) {
      MemtableChunk chunk = parts.get(p).chunk();
      VarCharVector streams = (VarCharVector) chunk.sealedVector(EventColumn.STREAM_NAME);
      TimeStampMilliTZVector recordedAt = (TimeStampMilliTZVector) chunk.sealedVector(EventColumn.RECORDED_AT);
      int rows = parts.get(p).rows();
      int start = (int) Math.max(0, Math.min(rows, covered - chunk.firstGlobalSeq()));
      for (int i = start; i < rows; i++) {
        streams.getDataPointer(i, current);
        long epochDay = PartitionPath.epochDay(recordedAt.get(i));
        boolean sameStream = last != null && current.equals(previous);
        if (!sameStream || last.epochDay() != epochDay) {
          String stream = sameStream ? last.stream() : new String(streams.get(i), StandardCharsets.UTF_8);
          last = new Partition(stream, epochDay);
          lastRows = partitions.computeIfAbsent(last, k -> new LongArrayList());
          ArrowBufPointer swap = previous;
          previous = current;
          current = swap;
        }
        lastRows.add(PinnedRows.position(p, i));
      }
    }
    return partitions;
  }

  /** One stream's events of one UTC day: one new file. */
  private record Partition(String stream, long epochDay) implements Comparable<Partition> {
    @Override
    public int compareTo(Partition o) {
      int c = stream.compareTo(o.stream);
      return c != 0 ? c : Long.compare(epochDay, o.epochDay);
    }
  }
}
