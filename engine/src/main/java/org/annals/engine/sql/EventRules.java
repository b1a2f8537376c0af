package org.annals.engine.sql;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.plan.RelOptRule;

/**
 * The planner rules that push work into an {@link EventTableScan} (filters, columns, aggregates)
 * and the one that makes the chosen scan executable. Registered by the scan itself, so any query that reads an events table has them.
 * Calcite's bounded-heap sort for {@code ORDER BY ... LIMIT n} is among them: its default
 * planner sorts every row and then keeps n, so "the latest ten events" of a million-event store
 * ran out of a 512 MiB heap.
 */
final class EventRules {
  static final List<RelOptRule> ALL = List.of(
      EventSnapshotRule.OVER_SCAN,
      EventSnapshotRule.OVER_PROJECT,
      new EventFilterRule(),
      new EventProjectRule(),
      EventAggregateRule.OVER_SCAN,
      EventAggregateRule.OVER_PROJECT,
      EventSortRule.INSTANCE,
      EventEnumerableRule.INSTANCE,
      EnumerableRules.ENUMERABLE_LIMIT_SORT_RULE);

  private EventRules() {}
}
