package org.annals.engine.sql;

import org.annals.storage.event.EventColumn;
import org.apache.calcite.schema.TemporalTable;

/**
 * What makes {@code FOR SYSTEM_TIME AS OF} valid on an events table ({@link EventSnapshotRule}):
 * an event is in the table from its recorded_at on and never leaves it (but by retention or
 * erasure), so the period starts and ends at that column.
 */
interface RecordedAtPeriod extends TemporalTable {
  @Override
  default String getSysStartFieldName() {
    return EventColumn.RECORDED_AT.columnName();
  }

  @Override
  default String getSysEndFieldName() {
    return EventColumn.RECORDED_AT.columnName();
  }
}
