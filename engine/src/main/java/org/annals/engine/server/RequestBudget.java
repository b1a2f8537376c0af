package org.annals.engine.server;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The bytes of request bodies the server holds at once, over every client. Each request body is
 * read whole and then parsed, at a few times its size, so without this many clients posting large
 * bodies together exhaust the heap even though each body is under the per-request limit. A
 * request takes a {@link Lease}; its body takes bytes from it as they arrive (a slow client holds
 * only what it has sent) and gives them all back when the request is answered. A body that finds
 * the budget spent waits a moment for others to finish, then is refused (503). Thread-safe.
 */
final class RequestBudget {
  /** Long enough to ride out a burst; short enough that a client hears back before it times out. */
  static final long WAIT_MILLIS = 10_000;
  private final long capacity;
  private long taken;

  RequestBudget(long capacity) {
    this.capacity = capacity;
  }

  /** A request's share, empty until its body takes bytes. */
  Lease lease() {
    return new Lease();
  }

  private synchronized boolean take(long bytes, long deadline) throws InterruptedException {
    while (taken + bytes > capacity) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    taken += bytes;
    return true;
  }

  private synchronized void giveBack(long bytes) {
    taken -= bytes;
    notifyAll();
  }

  /** The bytes one request holds. Not thread-safe: one request thread uses it. */
  final class Lease implements AutoCloseable {
    private long held;

    /**
     * Takes bytes for a body as they arrive, waiting at most {@link #WAIT_MILLIS} in all.
     *
     * @throws Spent if they did not become free in time
     */
    void take(long bytes) throws IOException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
      try {
        if (!RequestBudget.this.take(bytes, deadline)) {
          throw new Spent(capacity);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting to read a request", e);
      }
      held += bytes;
    }

    @Override
    public void close() {
      giveBack(held);
      held = 0;
    }
  }

  /** The budget stayed spent while a body waited for room. */
  static final class Spent extends IOException {
    private static final long serialVersionUID = 1L;

    Spent(long capacity) {
      super("the server is reading " + capacity + " bytes of requests, its most at once"
          + " (--max-request-bytes-in-flight); retry shortly");
    }
  }
}
