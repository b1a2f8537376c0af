package org.annals.engine.server;

import java.util.Iterator;
import java.util.List;

/**
 * A frame's rows, read the JDBC way, that {@link FrameEncoder} is to write in columns
 * ({@link ColumnBlockEncoder}) because the client asked for them so. Iterating them gives the
 * rows themselves. Immutable.
 */
record ColumnRows(List<Object> rows) implements Iterable<Object> {
  @Override
  public Iterator<Object> iterator() {
    return rows.iterator();
  }
}
