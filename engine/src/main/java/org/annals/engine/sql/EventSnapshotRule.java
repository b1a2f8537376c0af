package org.annals.engine.sql;

import org.annals.storage.event.EventColumn;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptRuleOperand;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSnapshot;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * Plans {@code events FOR SYSTEM_TIME AS OF t} as the events recorded at or before {@code t}: the
 * log is append-only and recorded_at never goes back, so the table as it stood at {@code t} is
 * its prefix up to there. Calcite has no executable snapshot of its own; these rules are what
 * make one run.
 *
 * <p>{@link #OVER_SCAN} turns a snapshot of a scan into a filter on recorded_at, pushed into the
 * scan like any other bound on it. Calcite trims the columns a query does not use before it plans,
 * and puts the projection that does so between the snapshot and the scan, where recorded_at may
 * already be gone; {@link #OVER_PROJECT} moves the snapshot below such a projection, which keeps
 * every row as it is, so that it meets the scan.
 */
final class EventSnapshotRule extends RelOptRule {
  static final EventSnapshotRule OVER_SCAN = new EventSnapshotRule(
      operand(LogicalSnapshot.class, operand(EventTableScan.class, none())), "EventSnapshotRule:scan");
  static final EventSnapshotRule OVER_PROJECT = new EventSnapshotRule(
      operand(LogicalSnapshot.class, operand(LogicalProject.class, any())), "EventSnapshotRule:project");

  private EventSnapshotRule(RelOptRuleOperand operand, String name) {
    super(operand, name);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalSnapshot snapshot = call.rel(0);
    if (call.rel(1) instanceof LogicalProject project) {
      call.transformTo(project.copy(project.getTraitSet(), snapshot.copy(snapshot.getTraitSet(),
          project.getInput(), snapshot.getPeriod()), project.getProjects(), project.getRowType()));
      return;
    }
    EventTableScan scan = call.rel(1);
    int recordedAt = scan.query().columns().indexOf(EventColumn.RECORDED_AT);
    if (recordedAt < 0) {
      // A scan narrowed to other columns stands in for a projection of the whole scan; the
      // snapshot reaches the whole scan through OVER_PROJECT instead.
      return;
    }
    RexBuilder rex = snapshot.getCluster().getRexBuilder();
    RexNode upTo = rex.makeCall(SqlStdOperatorTable.LESS_THAN_OR_EQUAL,
        rex.makeInputRef(scan, recordedAt), snapshot.getPeriod());
    call.transformTo(call.builder().push(scan).filter(upTo).build());
  }
}
