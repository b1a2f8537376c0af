package org.annals.engine.sql;

import java.util.Map;
import java.util.WeakHashMap;
import org.apache.calcite.DataContext;

/**
 * Makes every scan of one query read the same history. The first scan of a query fixes the
 * global_seq the query sees up to; later scans of the same query (the other side of a join, a
 * subquery) add {@code global_seq < end} to their own snapshot. Flushes and compactions move events
 * between the memtable and files but never change the set of events below a position, so this is
 * the same history the first snapshot saw. Keyed by the query's {@link DataContext}, weakly, so
 * an entry goes away with its query. Thread-safe.
 */
final class QueryPositions {
  private final Map<DataContext, Long> ends = new WeakHashMap<>();

  /** The query's end position, fixed to {@code candidate} if this is its first scan. */
  synchronized long endFor(DataContext query, long candidate) {
    return ends.computeIfAbsent(query, q -> candidate);
  }
}
