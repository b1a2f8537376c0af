package org.annals.storage.subscription;

import java.util.concurrent.TimeUnit;

/**
 * Where followers of the log wait for new events. The WAL writer publishes the end of each group
 * of appends it made durable and visible; a follower waits until the end passes its position.
 * Thread-safe.
 */
public final class NewEvents {
  private long end;
  private boolean closed;

  /** @param end one past the last global_seq already visible */
  public NewEvents(long end) {
    this.end = end;
  }

  /** Events below {@code newEnd} are visible to new snapshots. */
  public synchronized void published(long newEnd) {
    if (newEnd > end) {
      end = newEnd;
      notifyAll();
    }
  }

  /** The store is closing: every waiter returns, and no event comes any more. */
  public synchronized void close() {
    closed = true;
    notifyAll();
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Wakes every waiter, so that one whose follower was closed can see it. */
  synchronized void wakeAll() {
    notifyAll();
  }

  /**
   * Waits until events at or past {@code position} are visible, the store closes, {@code stop}
   * holds, or the time runs out.
   *
   * @return whether such events are visible
   */
  synchronized boolean awaitPast(long position, long timeoutNanos, java.util.function.BooleanSupplier stop)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (end <= position && !closed && !stop.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return end > position;
  }
}
