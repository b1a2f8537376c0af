package org.annals.engine.sql;

import java.util.List;
import org.apache.calcite.plan.RelOptRule;

/**
 * The planner rules that push work into an {@link EventTableScan} (filters, columns, aggregates)
 * and the one that makes the chosen scan executable. Registered by the scan itself, so any query that reads an events table has them.
 */
final class EventRules {
  static final List<RelOptRule> ALL = List.of(
      new EventFilterRule(),
      new EventProjectRule(),
      EventAggregateRule.OVER_SCAN,
      EventAggregateRule.OVER_PROJECT,
      EventEnumerableRule.INSTANCE);

  private EventRules() {}
}
