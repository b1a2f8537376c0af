package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Replaces an aggregate over a scan (directly, or through a projection) with a scan that computes
 * the aggregate in storage, when storage can: grouping by stored columns and by
 * {@code FLOOR(recorded_at TO SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|QUARTER|YEAR)}, computing {@code COUNT(*)},
 * {@code COUNT(column)}, and {@code SUM}, {@code MIN}, {@code MAX} of numbers and timestamps;
 * no DISTINCT, FILTER or GROUPING SETS. An aggregate that also groups by or measures JSON fields
 * (a typed table's columns) is computed by the scan as it reads the rows ({@link FieldAggregation}),
 * grouping by columns and fields as they are. Anything else is left to Calcite.
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
    if (scan.query().aggregates() || scan.query().top() != null
        || aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      return;
    }
    // Storage does not see the conditions the scan applies to JSON fields.
    AggregateSpec inStorage = scan.query().fieldFilters().isEmpty() ? storageAggregate(aggregate, project, scan) : null;
    if (inStorage != null) {
      // Storage aggregates stored columns only: the JSON fields the aggregate does not use go.
      EventTableScan stored = scan.with(scan.query().withJsonFields(List.of()));
      call.transformTo(stored.withAggregate(inStorage, aggregate.getRowType()));
      return;
    }
    EventTableScan inScan = fieldAggregate(aggregate, project, scan);
    if (inScan != null) {
      call.transformTo(inScan);
    }
  }

  /** The aggregate as storage computes it, or null if it uses more than stored columns. */
  private static AggregateSpec storageAggregate(LogicalAggregate aggregate, LogicalProject project, EventTableScan scan) {
    List<AggregateSpec.GroupKey> keys = new ArrayList<>();
    for (int field : aggregate.getGroupSet()) {
      AggregateSpec.GroupKey key = key(field, project, scan);
      if (key == null) {
        return null;
      }
      keys.add(key);
    }
    List<AggregateSpec.Measure> measures = new ArrayList<>();
    for (AggregateCall c : aggregate.getAggCallList()) {
      AggregateSpec.Measure m = measure(c, project, scan);
      if (m == null) {
        return null;
      }
      measures.add(m);
    }
    return new AggregateSpec(keys, measures);
  }

  /**
   * The scan computing the aggregate as it reads its rows ({@link FieldAggregation}), narrowed to
   * what the aggregate uses: for keys and inputs that are JSON fields, or rows the scan's field
   * filters pass. Null if a key or input is an expression, or a measure is not COUNT, SUM of a
   * number, or MIN or MAX.
   */
  private static EventTableScan fieldAggregate(LogicalAggregate aggregate, LogicalProject project,
      EventTableScan scan) {
    List<EventQuery.FieldKey> keys = new ArrayList<>();
    for (int field : aggregate.getGroupSet()) {
      EventQuery.FieldKey key = fieldKey(field, project);
      if (key == null) {
        return null;
      }
      keys.add(key);
    }
    List<EventQuery.FieldMeasure> measures = new ArrayList<>();
    for (AggregateCall c : aggregate.getAggCallList()) {
      if (!plain(c)) {
        return null;
      }
      SqlKind kind = c.getAggregation().getKind();
      int position = c.getArgList().isEmpty() ? -1 : position(c.getArgList().get(0), project);
      SqlTypeName type = position < 0 ? null : scan.getRowType().getFieldList().get(position).getType().getSqlTypeName();
      boolean fits = switch (kind) {
        case COUNT -> c.getArgList().isEmpty() || position >= 0;
        case SUM -> type == SqlTypeName.BIGINT || type == SqlTypeName.DOUBLE;
        case MIN, MAX -> type != null && type != SqlTypeName.BOOLEAN;
        default -> false;
      };
      if (!fits) {
        return null;
      }
      measures.add(new EventQuery.FieldMeasure(kind, position));
    }
    Set<Integer> used = new TreeSet<>();
    keys.forEach(k -> used.add(k.position()));
    measures.forEach(m -> used.add(m.input()));
    used.remove(-1);
    Map<Integer, Integer> positions = new HashMap<>();
    EventQuery narrowed = scan.query().narrowedTo(List.copyOf(used), positions);
    if (narrowed.columns().isEmpty() && narrowed.jsonFields().isEmpty()) {
      narrowed = narrowed.withColumns(List.of(EventColumn.SEQ));
    }
    List<EventQuery.FieldMeasure> renumbered = measures.stream().map(m -> new EventQuery.FieldMeasure(m.function(),
        m.input() < 0 ? -1 : positions.get(m.input()))).toList();
    EventQuery.FieldAggregate computed = new EventQuery.FieldAggregate(keys.stream()
        .map(k -> new EventQuery.FieldKey(positions.get(k.position()), k.bucketMillis(), k.calendar())).toList(),
        renumbered);
    return scan.withAggregate(narrowed.withFieldAggregate(computed), aggregate.getRowType());
  }

  /**
   * A position of the scan's row, or {@code FLOOR(timestamp TO unit)} of one (recorded_at or a
   * typed TIMESTAMP column); null for any other expression.
   */
  private static EventQuery.FieldKey fieldKey(int field, LogicalProject project) {
    int position = position(field, project);
    if (position >= 0) {
      return new EventQuery.FieldKey(position, 0, null);
    }
    return project == null ? null : floor(input(field, project));
  }

  /** The scan's row position an aggregate input is, or -1 if it is an expression. */
  private static int position(int field, LogicalProject project) {
    if (project == null) {
      return field;
    }
    return input(field, project) instanceof RexInputRef ref ? ref.getIndex() : -1;
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
    EventQuery.FieldKey floor = floor(input(field, project));
    if (floor != null && floor.position() < scan.query().columns().size()
        && scan.query().columns().get(floor.position()) == EventColumn.RECORDED_AT) {
      return floor.calendar() != null ? AggregateSpec.GroupKey.of(floor.calendar())
          : new AggregateSpec.GroupKey(EventColumn.RECORDED_AT, floor.bucketMillis());
    }
    return null;
  }

  /**
   * {@code FLOOR(timestamp TO unit)} of a position of the scan's row, for a unit of fixed length
   * or a calendar period; null for any other expression.
   */
  private static EventQuery.FieldKey floor(RexNode expression) {
    if (expression instanceof RexCall call && call.getKind() == SqlKind.FLOOR
        && call.getOperands().size() == 2
        && call.getOperands().get(0) instanceof RexInputRef ref
        && ref.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP
        && call.getOperands().get(1) instanceof RexLiteral unit) {
      TimeUnitRange range = unit.getValueAs(TimeUnitRange.class);
      long millis = range == null ? 0 : bucketMillis(range);
      CalendarUnit calendar = range == null || millis > 0 ? null : calendarUnit(range);
      if (millis > 0 || calendar != null) {
        return new EventQuery.FieldKey(ref.getIndex(), millis, calendar);
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

  /** An aggregate call of at most one argument, without DISTINCT, FILTER, WITHIN GROUP or approximation. */
  private static boolean plain(AggregateCall c) {
    return !c.isDistinct() && c.filterArg < 0 && !c.isApproximate() && c.collation.getFieldCollations().isEmpty()
        && c.getArgList().size() <= 1;
  }

  private static AggregateSpec.Measure measure(AggregateCall c, LogicalProject project, EventTableScan scan) {
    if (!plain(c)) {
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
