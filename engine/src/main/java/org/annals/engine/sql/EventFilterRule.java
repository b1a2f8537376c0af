package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.annals.storage.event.EventColumn;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexPermuteInputsShuttle;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Pushes the conjuncts of a filter that storage applies exactly ({@link FilterTranslator#isPushable})
 * into the scan below it; the rest stays a filter above. The scan keeps its filters over the
 * table's full row, so a filter over a scan of fewer columns is renumbered first.
 */
final class EventFilterRule extends RelOptRule {
  EventFilterRule() {
    super(operand(LogicalFilter.class, operand(EventTableScan.class, Convention.NONE, none())), "EventFilterRule");
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalFilter filter = call.rel(0);
    EventTableScan scan = call.rel(1);
    EventQuery query = scan.query();
    // Rows a top-n kept are not the rows a filter would keep first.
    if (query.aggregate() != null || query.top() != null) {
      return;
    }
    Map<Integer, Integer> toTable = new HashMap<>();
    for (int i = 0; i < query.columns().size(); i++) {
      toTable.put(i, query.columns().get(i).ordinal());
    }
    RexPermuteInputsShuttle tableRow = RexPermuteInputsShuttle.of(Mappings.target(toTable,
        query.columns().size() + query.jsonFields().size(), EventColumn.ALL.size()));
    List<RexNode> pushed = new ArrayList<>(query.filters());
    List<RexNode> rest = new ArrayList<>();
    ImmutableBitSet columns = ImmutableBitSet.range(query.columns().size());
    for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
      // A condition on a JSON field of the scan stays above it.
      boolean onColumns = columns.contains(RelOptUtil.InputFinder.bits(conjunct));
      RexNode overTable = onColumns ? conjunct.accept(tableRow) : null;
      if (overTable != null && FilterTranslator.isPushable(overTable)) {
        pushed.add(overTable);
      } else {
        rest.add(conjunct);
      }
    }
    if (pushed.size() == query.filters().size()) {
      return;
    }
    RelBuilder b = call.builder().push(scan.with(query.withFilters(pushed)));
    if (!rest.isEmpty()) {
      b.filter(rest);
    }
    call.transformTo(b.build());
  }
}
