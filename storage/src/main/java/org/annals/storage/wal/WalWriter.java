package org.annals.storage.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.annals.storage.StoreFailedException;
import org.annals.storage.concurrent.DaemonThreads;
import org.annals.storage.event.SequencedBatch;
import org.annals.storage.fs.Durable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that writes the log, with group commit. Callers submit encoded records in
 * log order; the thread:
 *
 * <ol>
 *   <li>takes every request pending (at most {@link #MAX_GROUP_REQUESTS}), so a lone append is
 *       written at once and concurrent appends share one write and one fsync;
 *   <li>starts a new segment first if the current one has reached its size limit (its
 *       {@link SegmentHeader} forced to disk before {@code wal/HEAD} names it);
 *   <li>writes the group's records with one gathering write and forces the file once;
 *   <li>hands the now-durable batches to the listener (the memtable), in log order;
 *   <li>only then completes the group's futures: nothing is acknowledged before its fsync.
 * </ol>
 *
 * About once a second, another thread records how far the log is durable ({@link DurableMark}), so
 * that recovery can tell a cut log from a torn one.
 *
 * <p>If a write or fsync fails the writer is fenced for good: every pending and later request fails
 * with {@link StoreFailedException}. It never retries an fsync, because a retried fsync can succeed
 * after the kernel has dropped the pages the failed one could not write.
 *
 * <p>{@link #submit}, {@link #barrier} and {@link #roll} are thread-safe; their order of calls is
 * the log order, so the caller serializes submissions.
 */
public final class WalWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WalWriter.class);

  /** The most requests written as one group. */
  static final int MAX_GROUP_REQUESTS = 4096;
  /** How often the durable end is recorded ({@link DurableMark}). */
  private static final long MARK_SECONDS = 1;

  /** Receives batches once they are durable, on the writer thread. */
  @FunctionalInterface
  public interface DurableListener {
    void onDurable(List<SequencedBatch> batches);
  }

  private enum Kind { RECORD, BARRIER, ROLL, CLOSE }

  private record Request(Kind kind, SequencedBatch batch, ByteBuffer frame, CompletableFuture<Void> done) {}

  private final Path walDir;
  private final long maxSegmentBytes;
  private final DurableListener listener;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong fsyncs = new AtomicLong();
  private final AtomicLong eventsWritten = new AtomicLong();
  private final AtomicLong fsyncNanos = new AtomicLong();

  /** Records the durable end in {@link DurableMark} about once a second, off the writer thread. */
  private final ScheduledExecutorService marker;
  /** One past the last global_seq fsynced. */
  private volatile long durableEnd;
  private long marked;

  private FileChannel channel;
  private long segmentFirstGlobalSeq;
  private long segmentBytes;
  private long nextGlobalSeq;
  private volatile Throwable failure;

  /**
   * Opens the writer on the last segment of a recovered log (appending at its end), or on a new
   * segment when there is none.
   *
   * @param lastSegment the segment to continue, or null
   * @param nextGlobalSeq the global_seq of the next record, used to name new segments
   */
  public WalWriter(Path walDir, WalSegments.Segment lastSegment, long nextGlobalSeq,
      long maxSegmentBytes, DurableListener listener) throws IOException {
    this.walDir = walDir;
    this.maxSegmentBytes = maxSegmentBytes;
    this.listener = listener;
    this.nextGlobalSeq = nextGlobalSeq;
    Durable.createDirectories(walDir);
    if (lastSegment == null) {
      openNewSegment();
    } else {
      channel = FileChannel.open(lastSegment.path(), StandardOpenOption.WRITE);
      // Records a dead process wrote but never forced are in the page cache, and recovery has
      // just made them visible: they must be on disk before anyone reads them, whatever comes next.
      channel.force(false);
      segmentFirstGlobalSeq = lastSegment.firstGlobalSeq();
      segmentBytes = channel.size();
      channel.position(segmentBytes);
    }
    this.durableEnd = nextGlobalSeq;
    this.marked = nextGlobalSeq;
    marker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("annals-wal-mark"));
    thread = DaemonThreads.named("annals-wal-writer").newThread(this::run);
    thread.start();
    marker.scheduleWithFixedDelay(this::mark, MARK_SECONDS, MARK_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Records how far the log is durable, if it moved since the last time. Its own thread: an
   * fsync a second on the writer's thread would add its time to the appends waiting behind it.
   */
  private synchronized void mark() {
    long end = durableEnd;
    if (end <= marked) {
      return;
    }
    try {
      DurableMark.record(walDir, end);
      marked = end;
    } catch (IOException e) {
      // Only the check on open loses: a cut log would be noticed from an older mark.
      LOG.warn("could not record how far the WAL is durable: {}", e.toString());
    }
  }

  /** Queues an encoded record; the future completes once it is durable and in the memtable. */
  public CompletableFuture<Void> submit(SequencedBatch batch, ByteBuffer frame) {
    return enqueue(new Request(Kind.RECORD, batch, frame, new CompletableFuture<>()));
  }

  /** Completes once every record submitted before it is durable. */
  public CompletableFuture<Void> barrier() {
    return enqueue(new Request(Kind.BARRIER, null, null, new CompletableFuture<>()));
  }

  /**
   * Starts a new segment after every record submitted before it, so those records all sit in
   * older segments that a flush can later delete. A roll of an empty segment does nothing.
   */
  public CompletableFuture<Void> roll() {
    return enqueue(new Request(Kind.ROLL, null, null, new CompletableFuture<>()));
  }

  /** Null while healthy; the cause of the failure once fenced. */
  public Throwable failure() {
    return failure;
  }

  public long fsyncCount() {
    return fsyncs.get();
  }

  public long eventsWritten() {
    return eventsWritten.get();
  }

  /** Time spent in fsync since open, over {@link #fsyncCount} calls. */
  public long fsyncNanos() {
    return fsyncNanos.get();
  }


  private CompletableFuture<Void> enqueue(Request request) {
    Throwable failed = failure;
    if (failed != null) {
      request.done().completeExceptionally(fenced(failed));
      return request.done();
    }
    queue.add(request);
    // The writer may have been fenced between the check and the add, after draining the queue.
    failed = failure;
    if (failed != null) {
      request.done().completeExceptionally(fenced(failed));
    }
    return request.done();
  }

  private void run() {
    List<Request> group = new ArrayList<>();
    try {
      while (true) {
        group.clear();
        group.add(queue.take());
        queue.drainTo(group, MAX_GROUP_REQUESTS - 1);
        boolean close = processGroup(group);
        if (close) {
          // Anything queued after the close would wait forever; fail it, and all later requests.
          fence(new IOException("the WAL is closed"), List.of());
          return;
        }
      }
    } catch (InterruptedException e) {
      fence(new IOException("the WAL writer thread was interrupted"), group);
    } catch (IOException | RuntimeException e) {
      fence(e, group);
    }
  }

  private boolean processGroup(List<Request> group) throws IOException {
    List<ByteBuffer> frames = new ArrayList<>();
    List<SequencedBatch> batches = new ArrayList<>();
    boolean rollAfter = false;
    boolean close = false;
    for (Request r : group) {
      switch (r.kind()) {
        case RECORD -> {
          frames.add(r.frame());
          batches.add(r.batch());
        }
        case ROLL -> rollAfter = true;
        case CLOSE -> close = true;
        case BARRIER -> { }
      }
    }
    if (!frames.isEmpty()) {
      if (segmentBytes >= maxSegmentBytes) {
        rollSegment();
      }
      long bytes = writeAll(frames.toArray(new ByteBuffer[0]));
      long started = System.nanoTime();
      channel.force(false);
      fsyncNanos.addAndGet(System.nanoTime() - started);
      fsyncs.incrementAndGet();
      segmentBytes += bytes;
      long events = 0;
      for (SequencedBatch b : batches) {
        events += b.size();
        nextGlobalSeq = b.endGlobalSeq();
      }
      eventsWritten.addAndGet(events);
      durableEnd = nextGlobalSeq;
      listener.onDurable(batches);
    }
    if (rollAfter) {
      rollSegment();
    }
    if (close) {
      channel.close();
    }
    for (Request r : group) {
      r.done().complete(null);
    }
    return close;
  }

  private long writeAll(ByteBuffer[] frames) throws IOException {
    long total = 0;
    for (ByteBuffer f : frames) {
      total += f.remaining();
    }
    long written = 0;
    while (written < total) {
      written += channel.write(frames);
    }
    return total;
  }

  private void rollSegment() throws IOException {
    if (nextGlobalSeq == segmentFirstGlobalSeq) {
      return;
    }
    channel.close();
    openNewSegment();
  }

  private void openNewSegment() throws IOException {
    Path path = WalSegments.path(walDir, nextGlobalSeq);
    channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    segmentFirstGlobalSeq = nextGlobalSeq;
    segmentBytes = writeAll(new ByteBuffer[] {SegmentHeader.encode(nextGlobalSeq)});
    channel.force(false);
    Durable.forceDirectory(walDir);
    WalSegments.recordHead(walDir, nextGlobalSeq);
  }

  private void fence(Throwable cause, List<Request> group) {
    failure = cause;
    marker.shutdown();
    if (!group.isEmpty() || channel.isOpen()) {
      LOG.error("WAL writer failed; the store accepts no more appends until it is reopened", cause);
    }
    StoreFailedException fenced = fenced(cause);
    for (Request r : group) {
      r.done().completeExceptionally(fenced);
    }
    List<Request> rest = new ArrayList<>();
    queue.drainTo(rest);
    for (Request r : rest) {
      r.done().completeExceptionally(fenced);
    }
    try {
      channel.close();
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  /** The exception for appends to a store whose log failed with {@code cause}. */
  public static StoreFailedException fenced(Throwable cause) {
    return new StoreFailedException("the store has failed and accepts no appends: writing the WAL"
        + " failed (" + cause.getMessage() + "); reopen the data folder to recover", cause);
  }

  /** Writes and forces everything queued, then stops the thread and closes the segment. */
  @Override
  public void close() throws IOException {
    marker.shutdown();
    try {
      if (failure == null && thread.isAlive()) {
        CompletableFuture<Void> done = enqueue(new Request(Kind.CLOSE, null, null, new CompletableFuture<>()));
        done.join();
        thread.join();
        marker.awaitTermination(1, TimeUnit.MINUTES);
        mark();
      } else {
        // A reopen in this process writes the same mark file: this one must be done with it.
        marker.awaitTermination(1, TimeUnit.MINUTES);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while closing the WAL", e);
    } catch (RuntimeException e) {
      throw new IOException("closing the WAL failed: " + e.getMessage(), e);
    }
  }
}
