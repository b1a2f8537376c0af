package org.annals.engine.server;

import java.util.concurrent.TimeUnit;

/**
 * The bytes of request bodies the server holds at once, over every client. Each request body is
 * read whole and then parsed, at a few times its size, so without this many clients posting large
 * bodies together exhaust the heap even though each body is under the per-request limit. A body
 * reserves its length before it is read and gives it back when its request is answered; one that
 * finds the budget spent waits a moment for others to finish, then is refused (503). Thread-safe.
 */
final class RequestBudget {
  /** Long enough to ride out a burst; short enough that a client hears back before it times out. */
  static final long WAIT_MILLIS = 10_000;
  private final long capacity;
  private long reserved;

  RequestBudget(long capacity) {
    this.capacity = capacity;
  }

  long capacity() {
    return capacity;
  }

  /** Reserves some bytes, waiting up to {@link #WAIT_MILLIS}; false if they never became free. */
  synchronized boolean reserve(long bytes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (reserved + bytes > capacity) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    reserved += bytes;
    return true;
  }

  synchronized void release(long bytes) {
    reserved -= bytes;
    notifyAll();
  }
}
