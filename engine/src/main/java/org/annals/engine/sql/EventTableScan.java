package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.List;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.AggregateSpec;
import org.annals.storage.scan.CalendarUnit;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Annals' logical scan relation: reads an events table through storage, with whatever the rules
 * in {@link EventRules} pushed into it (columns, filters, an aggregate). Its executable form is
 * {@link EnumerableEventTableScan}. {@code EXPLAIN} shows what was pushed: {@code columns=[...]},
 * {@code filters=[...]} with column names, {@code json=[...]}, {@code aggregate=[...]},
 * {@code top=[recorded_at DESC 10]}. Immutable.
 */
public class EventTableScan extends TableScan {
  /** The length of what JSON_VALUE returns when no RETURNING clause says otherwise. */
  static final int JSON_VALUE_LENGTH = 2000;

  final EventTable eventTable;
  final EventQuery query;
  final RelDataType aggregateRowType;

  EventTableScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table, EventTable eventTable,
      EventQuery query, RelDataType aggregateRowType) {
    super(cluster, traits, List.of(), table);
    this.eventTable = eventTable;
    this.query = query;
    this.aggregateRowType = aggregateRowType;
  }

  /** The logical scan of a whole table, as the planner first sees it. */
  static EventTableScan of(RelOptCluster cluster, RelOptTable table, EventTable eventTable) {
    return new EventTableScan(cluster, cluster.traitSetOf(Convention.NONE), table, eventTable,
        EventQuery.all(), null);
  }

  EventQuery query() {
    return query;
  }

  /** The same scan asking storage for something else. */
  EventTableScan with(EventQuery newQuery) {
    return new EventTableScan(getCluster(), getTraitSet(), getTable(), eventTable, newQuery, aggregateRowType);
  }

  /** The same scan with an aggregate computed in storage, producing {@code rowType}. */
  EventTableScan withAggregate(AggregateSpec aggregate, RelDataType rowType) {
    return withAggregate(query.withAggregate(aggregate), rowType);
  }

  /** The scan asking for an aggregate ({@link EventQuery#aggregates}), producing {@code rowType}. */
  EventTableScan withAggregate(EventQuery aggregating, RelDataType rowType) {
    return new EventTableScan(getCluster(), getTraitSet(), getTable(), eventTable, aggregating, rowType);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new EventTableScan(getCluster(), traitSet, getTable(), eventTable, query, aggregateRowType);
  }

  /** The executable form of this scan. */
  EnumerableEventTableScan toEnumerable() {
    return new EnumerableEventTableScan(getCluster(), getTraitSet().replace(EnumerableConvention.INSTANCE),
        getTable(), eventTable, query, aggregateRowType);
  }

  @Override
  public void register(RelOptPlanner planner) {
    if (eventTable.pushdown()) {
      EventRules.ALL.forEach(planner::addRule);
    } else {
      // Nothing pushed into storage, but a LIMIT still sorts in bounded memory, and AS OF
      // still needs planning.
      planner.addRule(EventEnumerableRule.INSTANCE);
      planner.addRule(EventSnapshotRule.OVER_SCAN);
      planner.addRule(EventSnapshotRule.OVER_PROJECT);
      planner.addRule(EnumerableRules.ENUMERABLE_LIMIT_SORT_RULE);
    }
  }

  @Override
  public RelDataType deriveRowType() {
    if (query.aggregates()) {
      return aggregateRowType;
    }
    RelDataType full = getTable().getRowType();
    RelDataTypeFactory.Builder b = getCluster().getTypeFactory().builder();
    for (EventColumn c : query.columns()) {
      b.add(full.getFieldList().get(c.ordinal()));
    }
    RelDataTypeFactory types = getCluster().getTypeFactory();
    RelDataType text = types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR, JSON_VALUE_LENGTH), true);
    for (int i = 0; i < query.jsonFields().size(); i++) {
      EventQuery.JsonField f = query.jsonFields().get(i);
      if (f.type() == null) {
        b.add("$json" + i, text);
      } else {
        b.add(f.name(), f.type().relType(types));
      }
    }
    return b.build();
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    pw = super.explainTerms(pw)
        .itemIf("columns", names(query.columns()), query.aggregate() == null && !query.columns().isEmpty()
            && !query.columns().equals(EventColumn.ALL))
        .itemIf("filters", describe(query), !query.filters().isEmpty() || !query.fieldFilters().isEmpty())
        .itemIf("json", query.jsonFields().stream().map(f -> f.source().columnName() + " " + f.text()
            + (f.type() == null ? "" : " " + f.type())).toList(),
            !query.jsonFields().isEmpty())
        .itemIf("top", query.top() == null ? "" : query.top().column().columnName()
            + (query.top().descending() ? " DESC " : " ASC ") + query.top().n(), query.top() != null);
    if (query.fieldAggregate() != null) {
      return pw.item("aggregate", describe(query.fieldAggregate()));
    }
    return query.aggregate() == null ? pw : pw.item("aggregate", describe(query.aggregate()));
  }

  private static List<String> names(List<EventColumn> columns) {
    return columns.stream().map(EventColumn::columnName).toList();
  }

  /**
   * Filters as Calcite prints them, with column names in place of its {@code $n}, so a plan reads
   * as SQL does. The text is part of the scan's digest, by which the planner tells scans apart, so
   * only references outside quoted literals are renamed: a literal {@code '$6'} stays as written.
   */
  private static List<String> describe(EventQuery query) {
    List<String> described = new ArrayList<>();
    query.filters().forEach(f -> described.add(withColumnNames(f.toString(), i -> EventColumn.ALL.get(i).columnName())));
    query.fieldFilters().forEach(f -> described.add(withColumnNames(f.condition().toString(),
        i -> query.jsonFields().get(f.field()).label())));
    return described;
  }

  private String describe(EventQuery.FieldAggregate aggregate) {
    List<String> keys = aggregate.keys().stream()
        .map(k -> key(query.label(k.position()), k.bucketMillis(), k.calendar())).toList();
    List<String> measures = aggregate.measures().stream()
        .map(m -> measure(m.function(), m.input() < 0 ? null : query.label(m.input()))).toList();
    return "group " + keys + " " + measures;
  }

  /** @param names the name of each input {@code $n} */
  private static String withColumnNames(String digest, java.util.function.IntFunction<String> names) {
    StringBuilder out = new StringBuilder(digest.length());
    boolean quoted = false;
    for (int i = 0; i < digest.length(); i++) {
      char c = digest.charAt(i);
      int end = i + 1;
      while (!quoted && c == '$' && end < digest.length() && Character.isDigit(digest.charAt(end))) {
        end++;
      }
      if (end > i + 1) {
        out.append(names.apply(Integer.parseInt(digest.substring(i + 1, end))));
        i = end - 1;
        continue;
      }
      // A quote inside a literal is written twice, which toggles twice.
      quoted ^= c == '\'';
      out.append(c);
    }
    return out.toString();
  }

  private static String describe(AggregateSpec aggregate) {
    List<String> keys = aggregate.keys().stream()
        .map(k -> key(k.column().columnName(), k.bucketMillis(), k.calendar())).toList();
    List<String> measures = aggregate.measures().stream()
        .map(m -> measure(m.function(), m.column() == null ? null : m.column().columnName())).toList();
    return "group " + keys + " " + measures;
  }

  /** A grouping key as EXPLAIN prints it: a fixed {@code FLOOR} in milliseconds, a calendar one by its name. */
  private static String key(String column, long bucketMillis, CalendarUnit calendar) {
    return calendar != null ? "FLOOR(" + column + ", " + calendar + ")"
        : bucketMillis > 0 ? "FLOOR(" + column + ", " + bucketMillis + " ms)" : column;
  }

  /** @param input the measured column, or null for {@code COUNT(*)} */
  private static String measure(Object function, String input) {
    return function + "(" + (input == null ? "*" : input) + ")";
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    double rows = eventTable.estimatedRows();
    for (RexNode f : query.filters()) {
      rows *= selectivity(f);
    }
    rows *= Math.pow(0.5, query.fieldFilters().size());
    if (query.fieldAggregate() != null) {
      return query.fieldAggregate().keys().isEmpty() ? 1 : Math.max(1, Math.min(rows / 10, 10_000));
    }
    if (query.aggregate() != null) {
      return query.aggregate().keys().isEmpty() ? 1 : Math.max(1, Math.min(rows / 10, 10_000));
    }
    if (query.top() != null) {
      rows = Math.min(rows, query.top().n());
    }
    return Math.max(1, rows);
  }

  /** Rough: an entity is a handful of rows, a type or stream a tenth, a range a half. */
  private static double selectivity(RexNode filter) {
    if (!filter.isA(SqlKind.EQUALS) && !filter.isA(SqlKind.SEARCH)) {
      return 0.5;
    }
    for (RexNode operand : ((RexCall) filter).getOperands()) {
      if (operand instanceof RexInputRef ref && ref.getIndex() == EventColumn.ENTITY_ID.ordinal()) {
        return 1e-5;
      }
    }
    return 0.1;
  }

  /**
   * The work of the scan: rows times the share of columns decoded, less for every pushed filter
   * (pruning) and far less for an aggregate storage answers; Calcite's Volcano planner compares
   * the first figure, so the pushed forms win.
   */
  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double rows = eventTable.estimatedRows();
    double work = rows * Math.max(1, query.columns().size()) / EventColumn.ALL.size();
    work *= Math.pow(0.5, query.filters().size() + query.fieldFilters().size());
    if (query.fieldAggregate() != null) {
      // Every row is still read, but none is handed to Calcite.
      work *= 0.5;
    }
    if (query.aggregate() != null) {
      work = rows * Math.max(1, query.aggregate().columns().size()) / EventColumn.ALL.size() * 0.01
          * Math.pow(0.5, query.filters().size());
    } else if (query.top() != null) {
      // Two columns of a few files, then the kept rows alone.
      work = work * 0.01 + query.top().n();
    }
    return planner.getCostFactory().makeCost(work, work, 0);
  }
}
