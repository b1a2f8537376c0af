package org.annals.engine.sql;

import org.annals.storage.event.EventColumn;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The SQL row type of every event table: the {@link EventColumn}s in order, as BIGINT,
 * TIMESTAMP(3) and VARCHAR with their nullability. Stateless.
 */
final class EventRowType {
  private EventRowType() {}

  static RelDataType of(RelDataTypeFactory types) {
    RelDataTypeFactory.Builder b = types.builder();
    for (EventColumn c : EventColumn.ALL) {
      b.add(c.columnName(), type(types, c));
    }
    return b.build();
  }

  private static RelDataType type(RelDataTypeFactory types, EventColumn c) {
    RelDataType t = switch (c.kind()) {
      case LONG -> types.createSqlType(SqlTypeName.BIGINT);
      case TIMESTAMP_MILLIS -> types.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case STRING, JSON -> types.createSqlType(SqlTypeName.VARCHAR);
    };
    return types.createTypeWithNullability(t, c.nullable());
  }
}
