package org.annals.engine.sql;

import org.annals.storage.event.EventColumn;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ColumnStrategy;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql2rel.InitializerContext;
import org.apache.calcite.sql2rel.NullInitializerExpressionFactory;
import org.apache.calcite.util.TimestampString;

/**
 * What INSERT may set. seq, global_seq and recorded_at are the store's to assign, so they are
 * generated columns that an INSERT cannot name (Calcite refuses with a clear message). stream_name
 * defaults to the table's stream, event_id to "let the store choose"; the defaults are sentinels
 * that {@link EventAppender} recognises. Immutable.
 */
final class EventColumnDefaults extends NullInitializerExpressionFactory {
  /** The stream_name and event_id value that means "not given". */
  static final String NOT_GIVEN = "";

  private final String streamName;

  EventColumnDefaults(String streamName) {
    this.streamName = streamName;
  }

  @Override
  public ColumnStrategy generationStrategy(RelOptTable table, int iColumn) {
    return switch (EventColumn.ALL.get(iColumn)) {
      case SEQ, GLOBAL_SEQ, RECORDED_AT -> ColumnStrategy.STORED;
      case STREAM_NAME, EVENT_ID -> ColumnStrategy.DEFAULT;
      default -> super.generationStrategy(table, iColumn);
    };
  }

  @Override
  public RexNode newColumnDefaultValue(RelOptTable table, int iColumn,
      InitializerContext context) {
    RexBuilder rex = context.getRexBuilder();
    return switch (EventColumn.ALL.get(iColumn)) {
      case SEQ, GLOBAL_SEQ -> rex.makeExactLiteral(java.math.BigDecimal.valueOf(-1),
          rex.getTypeFactory().createSqlType(SqlTypeName.BIGINT));
      case RECORDED_AT -> rex.makeTimestampLiteral(TimestampString.fromMillisSinceEpoch(0), 3);
      case STREAM_NAME -> varchar(rex, streamName == null ? NOT_GIVEN : streamName);
      case EVENT_ID -> varchar(rex, NOT_GIVEN);
      default -> super.newColumnDefaultValue(table, iColumn, context);
    };
  }

  private static RexNode varchar(RexBuilder rex, String value) {
    return rex.makeLiteral(value, rex.getTypeFactory().createSqlType(SqlTypeName.VARCHAR), false);
  }
}
