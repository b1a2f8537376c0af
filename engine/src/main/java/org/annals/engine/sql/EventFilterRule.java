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
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexPermuteInputsShuttle;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Pushes the conjuncts of a filter that storage applies exactly ({@link FilterTranslator#isPushable})
 * into the scan below it, and those on one JSON field that the scan applies as it reads the field
 * ({@link FieldConditions#isPushable}); the rest stays a filter above. The scan keeps its storage
 * filters over the table's full row, so a filter over a scan of fewer columns is renumbered first.
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
    if (query.aggregates() || query.top() != null) {
      return;
    }
    int fields = query.columns().size();
    Map<Integer, Integer> toTable = new HashMap<>();
    for (int i = 0; i < fields; i++) {
      toTable.put(i, query.columns().get(i).ordinal());
    }
    RexPermuteInputsShuttle tableRow = RexPermuteInputsShuttle.of(Mappings.target(toTable,
        fields + query.jsonFields().size(), EventColumn.ALL.size()));
    List<RexNode> pushed = new ArrayList<>(query.filters());
    List<EventQuery.FieldFilter> onFields = new ArrayList<>(query.fieldFilters());
    List<RexNode> rest = new ArrayList<>();
    for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
      ImmutableBitSet inputs = RelOptUtil.InputFinder.bits(conjunct);
      if (ImmutableBitSet.range(fields).contains(inputs)) {
        RexNode overTable = conjunct.accept(tableRow);
        if (FilterTranslator.isPushable(overTable)) {
          pushed.add(overTable);
          continue;
        }
      } else if (inputs.cardinality() == 1) {
        EventQuery.FieldFilter onField = onField(conjunct, inputs.nth(0), fields, filter);
        if (onField != null) {
          onFields.add(onField);
          continue;
        }
      }
      rest.add(conjunct);
    }
    if (pushed.size() == query.filters().size() && onFields.size() == query.fieldFilters().size()) {
      return;
    }
    RelBuilder b = call.builder().push(scan.with(query.withFilters(pushed).withFieldFilters(onFields)));
    if (!rest.isEmpty()) {
      b.filter(rest);
    }
    call.transformTo(b.build());
  }

  /** A condition on JSON field {@code input} alone, over {@code $0}, if the scan can apply it; else null. */
  private static EventQuery.FieldFilter onField(RexNode conjunct, int input, int fields, LogicalFilter filter) {
    RexBuilder rex = filter.getCluster().getRexBuilder();
    RexNode overField = RexUtil.expandSearch(rex, null, conjunct).accept(new RexShuttle() {
      @Override
      public RexNode visitInputRef(RexInputRef ref) {
        return new RexInputRef(0, ref.getType());
      }
    });
    return FieldConditions.isPushable(overField) ? new EventQuery.FieldFilter(input - fields, overField) : null;
  }
}
