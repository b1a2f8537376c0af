package org.annals.engine.sql;

import java.util.List;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.AggregateSpec;
import org.apache.calcite.rex.RexNode;

/**
 * What an {@link EventTableScan} asks of storage: the columns it returns, the filters storage
 * applies (over the full event row, each one {@link FilterTranslator#isPushable}), and
 * optionally an aggregate computed in storage instead of rows. Immutable.
 *
 * @param columns the columns returned, in order; ignored when there is an aggregate
 * @param aggregate null for rows
 */
record EventQuery(List<EventColumn> columns, List<RexNode> filters, AggregateSpec aggregate) {

  EventQuery {
    columns = List.copyOf(columns);
    filters = List.copyOf(filters);
  }

  /** Every column of every row of the table. */
  static EventQuery all() {
    return new EventQuery(EventColumn.ALL, List.of(), null);
  }

  EventQuery withColumns(List<EventColumn> newColumns) {
    return new EventQuery(newColumns, filters, aggregate);
  }

  EventQuery withFilters(List<RexNode> newFilters) {
    return new EventQuery(columns, newFilters, aggregate);
  }

  EventQuery withAggregate(AggregateSpec newAggregate) {
    return new EventQuery(columns, filters, newAggregate);
  }
}
