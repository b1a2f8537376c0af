package org.annals.storage.subscription;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.annals.storage.StoredEvents;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.vector.BigIntVector;

/**
 * Follows the log from a position, page by page, as a reader pulls: catch-up over whatever is
 * stored (flushed or not), then the new events as they are appended. Each page holds the next
 * events the filter selects, in log order, each exactly once, with no gap: a page ends at the
 * visible end of the snapshot it was read from (or at its last event when full), and every event
 * below a snapshot's end is in that snapshot and in every later one, so the next page starts where
 * this one stopped. Events erased or expired before they were read are not delivered.
 *
 * <p>A page is the first {@code pageSize} events of a global_seq range, read with the store's
 * top-n scan: only the global_seq column of the files and memtable rows the range can touch, then
 * the whole rows of the page alone. The position only grows, so the reader holds nothing but it
 * between pages; a slow reader slows its own reading and nothing else. Not thread-safe: one
 * reader pulls.
 */
public final class EventFeed implements AutoCloseable {
  private final Supplier<Snapshot> snapshots;
  private final NewEvents newEvents;
  private final SubscriptionFilter filter;
  private final long from;
  private final int pageSize;
  private long position;
  private long resumeFrom;
  private volatile boolean closed;

  /**
   * @param from the first position delivered: a global_seq, or a seq for a one-stream filter
   *     (whose event has a global_seq at least as large, so reading starts there too)
   */
  public EventFeed(Supplier<Snapshot> snapshots, NewEvents newEvents, SubscriptionFilter filter, long from,
      int pageSize) {
    if (from < 0) {
      throw new IllegalArgumentException("a subscription starts at a position of 0 or more; got " + from);
    }
    if (pageSize < 1) {
      throw new IllegalArgumentException("a page holds at least one event; got " + pageSize);
    }
    this.snapshots = snapshots;
    this.newEvents = newEvents;
    this.filter = filter;
    this.from = from;
    this.pageSize = pageSize;
    this.position = from;
    this.resumeFrom = from;
  }

  /**
   * The next page: the events the filter selects after the last page, at most the page size, in
   * log order. Waits up to {@code timeoutNanos} for one if there is none yet; empty if none came.
   *
   * @throws IllegalStateException once the store or this feed is closed
   */
  public List<StoredEvent> next(long timeoutNanos) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      checkOpen();
      List<StoredEvent> page = readPage();
      if (!page.isEmpty()) {
        return page;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !newEvents.awaitPast(position, left, () -> closed)) {
        checkOpen();
        return page;
      }
    }
  }

  /**
   * Where a client that has handled every page so far subscribes again to go on: a global_seq,
   * or for a one-stream filter a seq, past the events the filter passed over as well.
   */
  public long resumeFrom() {
    return resumeFrom;
  }

  /** Ends the feed; a reader waiting in {@link #next} returns at once. */
  @Override
  public void close() {
    closed = true;
    newEvents.wakeAll();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the subscription is closed");
    }
    if (newEvents.isClosed()) {
      throw new IllegalStateException("the store is closed");
    }
  }

  /** Reads the page after the position and moves past it; empty, and at the end, if none. */
  private List<StoredEvent> readPage() throws IOException {
    List<StoredEvent> page = new ArrayList<>();
    try (Snapshot snapshot = snapshots.get()) {
      long end = snapshot.endGlobalSeq();
      if (position >= end) {
        return page;
      }
      try (EventScanner scan = snapshot.top(filter.spec(from, position, end - 1), EventColumn.GLOBAL_SEQ, false,
          pageSize, () -> closed)) {
        while (scan.next()) {
          StoredEvents.addAll(scan.batch(), page);
        }
      }
      page.sort(Comparator.comparingLong(StoredEvent::globalSeq));
      boolean full = page.size() == pageSize;
      StoredEvent last = page.isEmpty() ? null : page.get(page.size() - 1);
      if (filter.stream() == null) {
        resumeFrom = full ? last.globalSeq() + 1 : end;
      } else if (full || filter.eventTypes() == null) {
        resumeFrom = last == null ? resumeFrom : last.seq() + 1;
      } else {
        // Past the stream's events of other types too, so that a poll for a rare type does not
        // read them again each time.
        resumeFrom = Math.max(resumeFrom, newestSeq(snapshot, end) + 1);
      }
      position = full ? last.globalSeq() + 1 : end;
    }
    return page;
  }

  /** The greatest seq of the followed stream from the position to the snapshot's end, or -1. */
  private long newestSeq(Snapshot snapshot, long end) throws IOException {
    ScanSpec seqs = ScanSpec.builder().columns(EventColumn.SEQ).stream(filter.stream())
        .globalSeqBetween(position, end - 1).build();
    long newest = -1;
    try (EventScanner scan = snapshot.top(seqs, EventColumn.SEQ, true, 1, () -> closed)) {
      while (scan.next()) {
        BigIntVector seq = (BigIntVector) scan.batch().getVector(0);
        for (int i = 0; i < scan.batch().getRowCount(); i++) {
          newest = Math.max(newest, seq.get(i));
        }
      }
    }
    return newest;
  }
}
