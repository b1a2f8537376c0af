package org.annals.engine.sql;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;

/**
 * Makes the executable {@link EnumerableEventTableScan} of a logical {@link EventTableScan}. The scan starts logical (no
 * convention) so that the pushdown rules see every variant of it beneath the logical filters,
 * projections and aggregates above; only the variant the planner picks runs.
 */
final class EventEnumerableRule extends ConverterRule {
  static final EventEnumerableRule INSTANCE = Config.INSTANCE
      .withConversion(EventTableScan.class, Convention.NONE, EnumerableConvention.INSTANCE,
          "EventEnumerableRule")
      .withRuleFactory(EventEnumerableRule::new)
      .toRule(EventEnumerableRule.class);

  private EventEnumerableRule(Config config) {
    super(config);
  }

  @Override
  public RelNode convert(RelNode rel) {
    return ((EventTableScan) rel).toEnumerable();
  }
}
