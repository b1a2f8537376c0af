package org.annals.storage.scan;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * The rows with the n greatest (or least) values of one position column seen so far, each kept as
 * its value and its global_seq: the first pass of an {@code ORDER BY ... LIMIT n} that storage
 * answers ({@link Snapshot#top}). A row whose value ties the worst kept one does not displace it,
 * as SQL leaves the choice between ties open. Not thread-safe.
 */
final class TopKeys {
  private final int n;
  private final boolean descending;
  /** Worst kept row first: the least value when keeping the greatest. */
  private final PriorityQueue<long[]> kept;

  TopKeys(int n, boolean descending) {
    if (n < 1) {
      throw new IllegalArgumentException("a top-n needs n of at least 1, not " + n);
    }
    this.n = n;
    this.descending = descending;
    this.kept = new PriorityQueue<>(Math.min(n, 1024),
        descending ? (a, b) -> Long.compare(a[0], b[0]) : (a, b) -> Long.compare(b[0], a[0]));
  }

  void offer(long value, long globalSeq) {
    if (kept.size() < n) {
      kept.add(new long[] {value, globalSeq});
    } else if (better(value, kept.peek()[0])) {
      long[] worst = kept.poll();
      worst[0] = value;
      worst[1] = globalSeq;
      kept.add(worst);
    }
  }

  /**
   * Whether rows whose value is at most (descending) or at least (ascending) {@code bound} could
   * still displace a kept row.
   */
  boolean mayImprove(long bound) {
    return kept.size() < n || better(bound, kept.peek()[0]);
  }

  private boolean better(long value, long than) {
    return descending ? value > than : value < than;
  }

  /** The global_seqs of the kept rows, ascending. */
  long[] globalSeqs() {
    long[] out = new long[kept.size()];
    int i = 0;
    for (long[] k : kept) {
      out[i++] = k[1];
    }
    Arrays.sort(out);
    return out;
  }
}
