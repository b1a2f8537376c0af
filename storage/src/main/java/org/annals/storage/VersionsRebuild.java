package org.annals.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.annals.storage.concurrent.DaemonThreads;
import org.annals.storage.index.StreamIndex;

/**
 * The rebuild, after an open, of what only appends need (see {@link StoreRecovery}), on a thread
 * of its own. It starts when the first append needs it, or a little after the open, whichever
 * comes first: a restarted server's clients reconnect at once, and on a small machine the
 * rebuild's core is one their first queries and the server's warm-up would otherwise share.
 * Thread-safe.
 */
final class VersionsRebuild {
  /** How long an open leaves the cores to queries before the rebuild starts unasked. */
  static final long START_DELAY_MILLIS = 3_000;

  private final CompletableFuture<StreamIndex> result = new CompletableFuture<>();
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final Supplier<StreamIndex> work;
  private final Runnable abandon;

  /**
   * @param work the rebuild; it frees what it holds when done
   * @param abandon frees what the rebuild would have held, if it never runs
   */
  private VersionsRebuild(Supplier<StreamIndex> work, Runnable abandon) {
    this.work = work;
    this.abandon = abandon;
  }

  /** A rebuild that starts after {@link #START_DELAY_MILLIS} unless something needs it sooner. */
  static VersionsRebuild startingSoon(Supplier<StreamIndex> work, Runnable abandon) {
    VersionsRebuild rebuild = new VersionsRebuild(work, abandon);
    CompletableFuture.delayedExecutor(START_DELAY_MILLIS, TimeUnit.MILLISECONDS).execute(rebuild::start);
    return rebuild;
  }

  /** Nothing to rebuild. */
  static VersionsRebuild none() {
    VersionsRebuild rebuild = new VersionsRebuild(null, null);
    rebuild.claimed.set(true);
    rebuild.result.complete(new StreamIndex());
    return rebuild;
  }

  /** Starts the rebuild now, unless it has started. */
  void start() {
    if (claimed.compareAndSet(false, true)) {
      DaemonThreads.named("annals-index-rebuild").newThread(() -> {
        try {
          result.complete(work.get());
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
        }
      }).start();
    }
  }

  /** Starts the rebuild if it has not, and waits for it; a failure comes out as thrown. */
  CompletableFuture<StreamIndex> needed() {
    start();
    return result;
  }

  /**
   * Makes sure the rebuild holds nothing any more: one not started never starts, and one running
   * is waited for. For a store that closes.
   */
  void stop() {
    if (claimed.compareAndSet(false, true)) {
      abandon.run();
      result.complete(new StreamIndex());
      return;
    }
    result.exceptionally(e -> null).join();
  }
}
