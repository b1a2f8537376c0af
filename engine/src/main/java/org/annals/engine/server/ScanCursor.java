package org.annals.engine.server;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.annals.engine.sql.ScanRows;
import org.apache.calcite.avatica.Meta;

/**
 * One statement's result that is a bare scan, read frame by frame with {@link ScanFrames}, with
 * the next frame built while the client receives and reads the current one: a client that asks
 * for frames in turn finds the next one ready or under way, so the scan, the network and the
 * client's decoding run side by side. At most one frame is built ahead. The result set the scan
 * belongs to is closed once the scan is over or the cursor closed, never while a frame is being
 * built from it (its batches live in memory the result set frees; see {@link ScanRows}).
 * Thread-safe.
 */
final class ScanCursor {
  private static final ExecutorService AHEAD = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "annals-frame-ahead");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * The most bytes all frames built ahead may hold together: a client that leaves results open
   * unread (each holding a frame of up to about 2 MiB until its statement closes or expires) stops
   * further builds ahead, not the server's heap. Past it, a fetch builds its frame when asked.
   */
  static final long AHEAD_BUDGET = 64L * 1024 * 1024;
  private static final AtomicLong AHEAD_BYTES = new AtomicLong();

  private final String connectionId;
  private final int statementId;
  private final ScanRows scan;
  private final ResultSet resultSet;
  private final FrameLayout layout;
  private CompletableFuture<Meta.Frame> ahead;
  /**
   * The room to give the next frame: the last one's size and a little more (a JFR profile put 17%
   * of the server's time in growing frame buffers by doubling).
   */
  private int expectedBytes = 256 * 1024;
  /** The bytes this cursor's frame built ahead counts against {@link #AHEAD_BUDGET}. */
  private long held;
  private RuntimeException failure;
  private boolean closed;

  ScanCursor(String connectionId, int statementId, ScanRows scan, ResultSet resultSet, FrameLayout layout) {
    this.connectionId = connectionId;
    this.statementId = statementId;
    this.scan = scan;
    this.resultSet = resultSet;
    this.layout = layout;
  }

  String connectionId() {
    return connectionId;
  }

  int statementId() {
    return statementId;
  }

  /**
   * The next frame of up to {@code maxRows} rows (the one built ahead, if any, whatever its size),
   * starting the build of the one after it unless the scan is over or frames built ahead already
   * hold {@link #AHEAD_BUDGET} across the server. Once a frame fails, every later fetch fails
   * the same way: the rows that frame had read are gone, and a result must not skip them.
   */
  synchronized Meta.Frame fetch(long offset, int maxRows) throws SQLException {
    if (failure != null) {
      throw failure;
    }
    if (closed) {
      return new Meta.Frame(offset, true, List.of());
    }
    Meta.Frame frame;
    try {
      frame = ahead != null ? ahead.join() : ScanFrames.next(scan, offset, maxRows, expectedBytes, layout);
    } catch (CompletionException e) {
      failure = e.getCause() instanceof RuntimeException r ? r : e;
      throw failure;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      ahead = null;
      release();
    }
    frame = new Meta.Frame(offset, frame.done, frame.rows);
    if (frame.done) {
      close();
    } else {
      EncodedRows rows = (EncodedRows) frame.rows;
      long next = offset + rows.count();
      int room = expectedBytes = Math.min(rows.length() + rows.length() / 8 + 1024,
          ServerConfig.MAX_FRAME_BYTES + ServerConfig.MAX_FRAME_BYTES / 8);
      if (AHEAD_BYTES.addAndGet(room) <= AHEAD_BUDGET) {
        held = room;
        ahead = CompletableFuture.supplyAsync(() -> ScanFrames.next(scan, next, maxRows, room, layout), AHEAD);
      } else {
        AHEAD_BYTES.addAndGet(-room);
      }
    }
    return frame;
  }

  /** Gives back this cursor's share of the budget of frames built ahead. */
  private void release() {
    AHEAD_BYTES.addAndGet(-held);
    held = 0;
  }

  /** Waits for a frame under way, drops it, and closes the result set. */
  synchronized void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    if (ahead != null) {
      ahead.exceptionally(e -> null).join();
      ahead = null;
    }
    release();
    resultSet.close();
  }
}
