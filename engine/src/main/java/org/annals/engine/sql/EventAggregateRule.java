package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.List;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.AggregateSpec;
import org.annals.storage.scan.CalendarUnit;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptRuleOperand;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * Replaces an aggregate over a scan (directly, or through a projection) with a scan that computes
 * the aggregate in storage, when storage can: grouping by stored columns and by
 * {@code FLOOR(recorded_at TO SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|QUARTER|YEAR)}, computing {@code COUNT(*)},
 * {@code COUNT(column)}, and {@code SUM}, {@code MIN}, {@code MAX} of numbers and timestamps;
 * no DISTINCT, FILTER or GROUPING SETS. Anything else is left to Calcite.
 */
final class EventAggregateRule extends RelOptRule {
  static final EventAggregateRule OVER_SCAN = new EventAggregateRule(
      operand(LogicalAggregate.class, operand(EventTableScan.class, Convention.NONE, none())), false);
  static final EventAggregateRule OVER_PROJECT = new EventAggregateRule(
      operand(LogicalAggregate.class, operand(LogicalProject.class, operand(EventTableScan.class, Convention.NONE, none()))), true);

  private final boolean throughProject;

  private EventAggregateRule(RelOptRuleOperand operand, boolean throughProject) {
    super(operand, "EventAggregateRule" + (throughProject ? "(project)" : ""));
    this.throughProject = throughProject;
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalAggregate aggregate = call.rel(0);
    LogicalProject project = throughProject ? call.rel(1) : null;
    EventTableScan scan = call.rel(throughProject ? 2 : 1);
    if (scan.query().aggregate() != null || scan.query().top() != null
        || aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      return;
    }
    List<AggregateSpec.GroupKey> keys = new ArrayList<>();
    for (int field : aggregate.getGroupSet()) {
      AggregateSpec.GroupKey key = key(field, project, scan);
      if (key == null) {
        return;
      }
      keys.add(key);
    }
    List<AggregateSpec.Measure> measures = new ArrayList<>();
    for (AggregateCall c : aggregate.getAggCallList()) {
      AggregateSpec.Measure m = measure(c, project, scan);
      if (m == null) {
        return;
      }
      measures.add(m);
    }
    // Storage aggregates stored columns only: the JSON fields the aggregate does not use go.
    EventTableScan stored = scan.with(scan.query().withJsonFields(List.of()));
    call.transformTo(stored.withAggregate(new AggregateSpec(keys, measures), aggregate.getRowType()));
  }

  private static RexNode input(int field, LogicalProject project) {
    return project == null ? null : project.getProjects().get(field);
  }

  /** The stored column an aggregate input is, or null if it is an expression or a JSON field. */
  private static EventColumn column(int field, LogicalProject project, EventTableScan scan) {
    int scanField = project == null ? field : input(field, project) instanceof RexInputRef ref ? ref.getIndex() : -1;
    List<EventColumn> columns = scan.query().columns();
    return scanField >= 0 && scanField < columns.size() ? columns.get(scanField) : null;
  }

  /** A stored column, or recorded_at floored to a fixed-length unit; null for anything else. */
  private static AggregateSpec.GroupKey key(int field, LogicalProject project, EventTableScan scan) {
    EventColumn column = column(field, project, scan);
    if (column != null) {
      return AggregateSpec.GroupKey.of(column);
    }
    if (input(field, project) instanceof RexCall call && call.getKind() == SqlKind.FLOOR
        && call.getOperands().size() == 2
        && call.getOperands().get(0) instanceof RexInputRef ref
        && call.getOperands().get(1) instanceof RexLiteral unit
        && ref.getIndex() < scan.query().columns().size()
        && scan.query().columns().get(ref.getIndex()) == EventColumn.RECORDED_AT) {
      TimeUnitRange range = unit.getValueAs(TimeUnitRange.class);
      long millis = range == null ? 0 : bucketMillis(range);
      if (millis > 0) {
        return new AggregateSpec.GroupKey(EventColumn.RECORDED_AT, millis);
      }
      CalendarUnit calendar = range == null ? null : calendarUnit(range);
      if (calendar != null) {
        return AggregateSpec.GroupKey.of(calendar);
      }
    }
    return null;
  }

  /**
   * The calendar period of a FLOOR unit that is not a fixed length, with Calcite's meaning (a
   * week starts on Sunday); null for any other unit.
   */
  private static CalendarUnit calendarUnit(TimeUnitRange unit) {
    return switch (unit) {
      case WEEK -> CalendarUnit.WEEK;
      case MONTH -> CalendarUnit.MONTH;
      case QUARTER -> CalendarUnit.QUARTER;
      case YEAR -> CalendarUnit.YEAR;
      default -> null;
    };
  }

  private static AggregateSpec.Measure measure(AggregateCall c, LogicalProject project, EventTableScan scan) {
    if (c.isDistinct() || c.filterArg >= 0 || c.isApproximate() || !c.collation.getFieldCollations().isEmpty()
        || c.getArgList().size() > 1) {
      return null;
    }
    SqlKind kind = c.getAggregation().getKind();
    if (c.getArgList().isEmpty()) {
      return kind == SqlKind.COUNT ? AggregateSpec.Measure.countRows() : null;
    }
    EventColumn column = column(c.getArgList().get(0), project, scan);
    if (column == null) {
      return null;
    }
    return switch (kind) {
      case COUNT -> new AggregateSpec.Measure(AggregateSpec.Function.COUNT, column);
      case SUM -> column.kind() == EventColumn.Kind.LONG
          ? new AggregateSpec.Measure(AggregateSpec.Function.SUM, column) : null;
      case MIN -> column.kind().isLong() ? new AggregateSpec.Measure(AggregateSpec.Function.MIN, column) : null;
      case MAX -> column.kind().isLong() ? new AggregateSpec.Measure(AggregateSpec.Function.MAX, column) : null;
      default -> null;
    };
  }

  /** Milliseconds in a FLOOR unit that is a fixed length in UTC; 0 for months, years and the like. */
  static long bucketMillis(TimeUnitRange unit) {
    return switch (unit) {
      case SECOND -> 1_000L;
      case MINUTE -> 60_000L;
      case HOUR -> 3_600_000L;
      case DAY -> 86_400_000L;
      default -> 0;
    };
  }
}
