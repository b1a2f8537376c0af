package org.annals.engine.sql;

import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;

/**
 * The bridge from a plan's generated code to storage: an {@link EventTableScan} stashes one of
 * these in the plan, and the code calls {@link #run} with the query's context each time the
 * statement executes (with that execution's {@code ?} values). Public only because generated
 * code calls it. Immutable.
 */
public final class PushedScan {
  private final EventTable table;
  private final EventQuery query;

  PushedScan(EventTable table, EventQuery query) {
    this.table = table;
    this.query = query;
  }

  /** The rows (or aggregate groups) of the scan, as Object[] rows. */
  public Enumerable<Object[]> run(DataContext root) {
    return table.query(root, query);
  }

  /** The same for a scan of one column, whose rows Calcite expects as bare values. */
  public Enumerable<Object> runScalar(DataContext root) {
    return table.query(root, query).select(row -> row[0]);
  }
}
