package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.List;
import org.annals.engine.types.TypedField;
import org.annals.engine.types.TypedTable;
import org.annals.storage.event.EventColumn;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * A table of schema {@code types}: one stream's events of one type, with the envelope columns of
 * every events table and then a column per top-level payload field ({@link TypedTable}). It plans
 * as a scan of the stream's table with its {@code event_type} filter already pushed and the
 * payload columns read from each payload as the scan passes ({@link JsonFieldReader}), so the
 * rules narrow, filter and aggregate it as they do any events table. Read-only. Immutable: a
 * query plans with the fields the catalog knew when it looked the table up.
 */
final class TypedEventTable extends AbstractTable implements TranslatableTable, RecordedAtPeriod {
  private final EventTable events;
  private final TypedTable typed;

  /** @param events the table of the stream the type's events are in */
  TypedEventTable(EventTable events, TypedTable typed) {
    this.events = events;
    this.typed = typed;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder b = typeFactory.builder().addAll(EventRowType.of(typeFactory).getFieldList());
    for (TypedField f : typed.fields()) {
      b.add(f.column(), f.type().relType(typeFactory));
    }
    return b.build();
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    RelOptCluster cluster = context.getCluster();
    RexBuilder rex = cluster.getRexBuilder();
    RelDataType row = relOptTable.getRowType();
    int eventType = EventColumn.EVENT_TYPE.ordinal();
    RexNode ofType = rex.makeCall(SqlStdOperatorTable.EQUALS,
        rex.makeInputRef(row.getFieldList().get(eventType).getType(), eventType), rex.makeLiteral(typed.eventType()));
    List<EventQuery.JsonField> fields = new ArrayList<>();
    for (TypedField f : typed.fields()) {
      fields.add(new EventQuery.JsonField(EventColumn.PAYLOAD, List.of(f.field()), "$." + f.field(), f.type(),
          f.column()));
    }
    EventQuery query = new EventQuery(EventColumn.ALL, List.of(ofType), null, fields, null);
    return new EventTableScan(cluster, cluster.traitSetOf(Convention.NONE), relOptTable, events, query, null);
  }

  @Override
  public Statistic getStatistic() {
    return Statistics.of(typed.events(), List.of());
  }
}
