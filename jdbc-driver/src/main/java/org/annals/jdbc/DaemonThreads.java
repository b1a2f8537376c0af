package org.annals.jdbc;

import java.util.concurrent.ThreadFactory;

/**
 * Threads of the driver's own, named for what they do and daemons: a JDBC driver must never keep
 * an application's JVM from exiting. Stateless.
 */
final class DaemonThreads {
  private DaemonThreads() {}

  /** Makes threads named {@code annals-jdbc-<job>}. */
  static ThreadFactory named(String job) {
    return task -> {
      Thread thread = new Thread(task, "annals-jdbc-" + job);
      thread.setDaemon(true);
      return thread;
    };
  }
}
