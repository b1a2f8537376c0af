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
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexPermuteInputsShuttle;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Narrows a scan to the columns the projection above it uses, so storage decodes no other; the
 * projection stays above unless it only passes the columns through. A projection that uses no
 * column ({@code SELECT 1 FROM orders}) still needs the row count, so the scan keeps seq, the
 * cheapest column to decode.
 */
final class EventProjectRule extends RelOptRule {
  EventProjectRule() {
    super(operand(LogicalProject.class, operand(EventTableScan.class, Convention.NONE, none())), "EventProjectRule");
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalProject project = call.rel(0);
    EventTableScan scan = call.rel(1);
    EventQuery query = scan.query();
    if (query.aggregate() != null) {
      return;
    }
    ImmutableBitSet used = RelOptUtil.InputFinder.bits(project.getProjects(), null);
    List<EventColumn> columns = new ArrayList<>();
    for (int i : used) {
      columns.add(query.columns().get(i));
    }
    if (columns.isEmpty()) {
      columns.add(EventColumn.SEQ);
    }
    if (columns.equals(query.columns())) {
      return;
    }
    Map<Integer, Integer> positions = new HashMap<>();
    for (int i : used) {
      positions.put(i, positions.size());
    }
    Mappings.TargetMapping mapping = Mappings.target(positions, query.columns().size(), columns.size());
    EventTableScan narrowed = scan.with(query.withColumns(columns));
    List<RexNode> projects = new ArrayList<>();
    for (RexNode e : project.getProjects()) {
      projects.add(e.accept(new RexPermuteInputsShuttle(mapping, narrowed)));
    }
    call.transformTo(call.builder().push(narrowed)
        .project(projects, project.getRowType().getFieldNames()).build());
  }
}
