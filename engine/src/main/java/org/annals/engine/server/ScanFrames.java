package org.annals.engine.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.annals.engine.sql.ScanRows;
import org.apache.calcite.avatica.Meta;

/**
 * Result frames written straight from a scan's Arrow batches, for a result that is nothing but a
 * scan ({@link org.annals.engine.sql.RootScans}). The JDBC way reads each value through Calcite's
 * cursor and JDBC's getters into a Java object (a String decoded from the batch's UTF-8 bytes, a
 * Timestamp for a long), which the protobuf encoder then turns back into bytes: JFR put half of the
 * server's time in a {@code SELECT *} there. Here each value goes from the batch into the frame's
 * protobuf once. A frame ends at the rows asked for, at {@link #MAX_FRAME_BYTES}, or at the end of
 * the scan (done).
 */
final class ScanFrames {
  /**
   * A frame stops taking rows once it holds this many bytes, however many rows were asked for:
   * the server holds a frame whole while sending it, and the client while reading it. Rows of
   * large payloads thus come in more, smaller frames.
   */
  static final int MAX_FRAME_BYTES = 2 * 1024 * 1024;

  private ScanFrames() {}

  static Meta.Frame next(ScanRows scan, long offset, int maxRows) {
    RowBuffer out = new RowBuffer();
    int rows = 0;
    boolean done = false;
    try {
      while (rows < maxRows && out.size() < MAX_FRAME_BYTES) {
        ScanRows.Run run = scan.run();
        if (run == null) {
          done = true;
          break;
        }
        int take = Math.min(run.to() - run.from(), maxRows - rows);
        int taken = 0;
        // Row by row against the byte budget, so that one batch of large rows cannot overshoot it far.
        while (taken < take && out.size() < MAX_FRAME_BYTES) {
          int step = Math.min(take - taken, 64);
          FrameEncoder.encodeRows(new ScanRows.Run(run.batch(), run.from() + taken, run.to(), run.columns()), step, out);
          taken += step;
        }
        scan.consume(taken);
        rows += taken;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing a result frame failed: " + e.getMessage(), e);
    }
    return new Meta.Frame(offset, done, out.rows(rows));
  }
}
