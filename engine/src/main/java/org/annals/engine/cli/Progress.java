package org.annals.engine.cli;

import java.util.Locale;

/** A one-line progress bar on standard error, redrawn in place. Not thread-safe. */
final class Progress {
  private static final int WIDTH = 30;

  private final long total;
  private final long start = System.nanoTime();
  private boolean drawn;

  /** @param total how much work there is, in any unit (bytes of a file, days of a history) */
  Progress(long total) {
    this.total = Math.max(1, total);
  }

  void show(long done, long events) {
    int filled = (int) (WIDTH * Math.min(done, total) / total);
    System.err.printf(Locale.ROOT, "\r[%s%s] %3d%%  %,d events", "#".repeat(filled),
        " ".repeat(WIDTH - filled), 100 * Math.min(done, total) / total, events);
    drawn = true;
  }

  void done() {
    if (drawn) {
      System.err.println();
      drawn = false;
    }
  }

  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
