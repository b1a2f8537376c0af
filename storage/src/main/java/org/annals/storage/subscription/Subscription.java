package org.annals.storage.subscription;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.annals.storage.concurrent.DaemonThreads;
import org.annals.storage.event.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running subscription: a thread of its own pulls pages from an {@link EventFeed} and hands
 * each to its {@link Subscriber}, catch-up first and then live. It holds no lock of the store, so
 * a subscriber that blocks holds back only itself. Thread-safe.
 */
public final class Subscription implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);
  /** How long one wait for new events lasts; a close wakes it sooner. */
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final EventFeed feed;
  private final Subscriber subscriber;
  private final Thread thread;
  private volatile boolean closing;

  public Subscription(EventFeed feed, Subscriber subscriber, String name) {
    this.feed = feed;
    this.subscriber = subscriber;
    this.thread = DaemonThreads.named(name).newThread(this::run);
    thread.start();
  }

  private void run() {
    Throwable failure = null;
    try {
      while (!closing) {
        List<StoredEvent> page = feed.next(WAIT_NANOS);
        if (!page.isEmpty() && !closing) {
          subscriber.onEvents(page);
        }
      }
    } catch (Throwable t) {
      if (!closing) {
        failure = t;
        LOG.debug("subscription {} ended: {}", thread.getName(), t.toString());
      }
    } finally {
      feed.close();
      subscriber.onEnd(failure);
    }
  }

  /** Whether the subscription still runs. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  /**
   * Stops the subscription and waits for its thread: no {@link Subscriber#onEvents} runs after
   * this returns (unless called from one, which then is the last).
   */
  @Override
  public void close() {
    closing = true;
    feed.close();
    awaitEnd(0);
  }

  /**
   * Waits for the subscription's thread to end: after the store closed, once the subscriber's
   * {@link Subscriber#onEvents} under way returns, for at most {@code timeoutMillis} (0: no
   * limit). Returns at once on the subscription's own thread, which would wait for itself.
   *
   * @return whether the thread has ended
   */
  public boolean awaitEnd(long timeoutMillis) {
    if (Thread.currentThread() == thread) {
      return false;
    }
    long deadline = System.currentTimeMillis() + timeoutMillis;
    boolean interrupted = false;
    while (thread.isAlive()) {
      long left = timeoutMillis == 0 ? 0 : deadline - System.currentTimeMillis();
      if (timeoutMillis != 0 && left <= 0) {
        break;
      }
      try {
        thread.join(left);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  /** The subscription thread's name, for messages. */
  public String name() {
    return thread.getName();
  }
}
