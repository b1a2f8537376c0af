package org.annals.engine.server;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.jdbc.StatementInfo;

/**
 * Sizes by bytes the frames that go the JDBC way (results with an operator above the scan),
 * whose rows Avatica counts but does not measure: each statement's next frame takes no more rows
 * than {@link ServerConfig#MAX_FRAME_BYTES} holds at the bytes per row of its last frame. A
 * statement's first frame is Avatica's (at most 100 rows). The estimate counts a character of
 * text as a byte, and a few bytes for every value's framing. Thread-safe.
 */
final class FrameSizes {
  /** Protobuf's tags, lengths and type of one value, about. */
  private static final int PER_VALUE = 6;

  /** The bytes per row of each statement's last frame, by JdbcMeta's statement record, weakly. */
  private final Map<StatementInfo, Integer> rowBytes = Collections.synchronizedMap(new WeakHashMap<>());

  /** How many of {@code maxRows} rows the statement's next frame may take. */
  int rows(StatementInfo statement, int maxRows) {
    Integer perRow = rowBytes.get(statement);
    return perRow == null ? maxRows : (int) Math.max(1, Math.min(maxRows, ServerConfig.MAX_FRAME_BYTES / perRow));
  }

  /** Notes the bytes per row of a frame the statement returns. */
  Meta.Frame noted(StatementInfo statement, Meta.Frame frame) {
    long bytes = 0;
    long rows = 0;
    for (Object row : frame.rows) {
      rows++;
      if (row instanceof Object[] cells) {
        for (Object cell : cells) {
          bytes += bytes(cell);
        }
      } else if (row instanceof List<?> cells) {
        for (Object cell : cells) {
          bytes += bytes(cell);
        }
      }
    }
    if (rows > 0) {
      rowBytes.put(statement, (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / rows)));
    }
    return frame;
  }

  void forget(StatementInfo statement) {
    rowBytes.remove(statement);
  }

  private static long bytes(Object cell) {
    if (cell instanceof String s) {
      return PER_VALUE + s.length();
    }
    if (cell instanceof byte[] b) {
      return PER_VALUE + b.length;
    }
    if (cell instanceof List<?> list) {
      long sum = PER_VALUE;
      for (Object item : list) {
        sum += bytes(item);
      }
      return sum;
    }
    return PER_VALUE + 8;
  }
}
