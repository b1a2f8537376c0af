package org.annals.storage.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the store's background work. Its threads are daemons, so that an
 * application that forgets to close a store can still exit (what an unclosed store leaves, the
 * log replays), and each is named for its job, so that a thread dump or a profile says what runs.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Daemon threads all called {@code name}: for an executor of one thread. */
  public static ThreadFactory named(String name) {
    return task -> daemon(task, name);
  }

  /** Daemon threads called {@code prefix-1}, {@code prefix-2} and on: for a pool. */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger number = new AtomicInteger();
    return task -> daemon(task, prefix + "-" + number.incrementAndGet());
  }

  private static Thread daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }
}
