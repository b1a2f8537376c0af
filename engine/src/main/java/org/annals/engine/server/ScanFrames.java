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
 * protobuf once, in Avatica's rows or in columns as the client asked. A frame ends at the rows
 * asked for, at {@link ServerConfig#MAX_FRAME_BYTES}, or at the end of the scan (done).
 */
final class ScanFrames {
  private ScanFrames() {}

  /** @param expectedBytes about how large the frame will be (the last one's size, say) */
  static Meta.Frame next(ScanRows scan, long offset, int maxRows, int expectedBytes, FrameLayout layout) {
    RowBuffer out = new RowBuffer(expectedBytes);
    int rows = 0;
    boolean done = false;
    // The scan's monitor, so that no one frees its batches while they are read (see ScanRows).
    synchronized (scan) {
      try {
        while (rows < maxRows && out.size() < ServerConfig.MAX_FRAME_BYTES) {
          ScanRows.Run run = scan.run();
          if (run == null) {
            done = true;
            break;
          }
          int count = Math.min(run.to() - run.from(), maxRows - rows);
          int taken = layout == FrameLayout.COLUMNS
              ? ColumnBlockEncoder.encodeRun(run, count, out, ServerConfig.MAX_FRAME_BYTES)
              : FrameEncoder.encodeRows(run, count, out, ServerConfig.MAX_FRAME_BYTES);
          scan.consume(taken);
          rows += taken;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("writing a result frame failed: " + e.getMessage(), e);
      }
    }
    return new Meta.Frame(offset, done, out.rows(rows, layout));
  }
}
