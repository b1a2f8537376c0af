package org.annals.engine.server;

import java.util.List;

/** A frame's row, which JdbcMeta gives as an array or a list, as an array. Stateless. */
final class FrameRows {
  private FrameRows() {}

  /** The row's cells: the array itself when it is one, so a caller that changes them copies first. */
  static Object[] cells(Object row) {
    return row instanceof Object[] cells ? cells : ((List<?>) row).toArray();
  }
}
