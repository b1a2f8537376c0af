package org.annals.storage.arrow;

import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * The Arrow shape of event columns: BIGINT for positions, TIMESTAMP(ms, UTC) for recorded_at, UTF-8
 * strings for text and JSON. Also copies values from any {@link EventRow} into such vectors, the
 * one place that knows how each kind is written. Stateless.
 */
public final class EventVectors {
  public static final String UTC = "UTC";

  private EventVectors() {}

  public static Field field(EventColumn column) {
    ArrowType type = switch (column.kind()) {
      case LONG -> new ArrowType.Int(64, true);
      case TIMESTAMP_MILLIS -> new ArrowType.Timestamp(TimeUnit.MILLISECOND, UTC);
      case STRING, JSON -> ArrowType.Utf8.INSTANCE;
    };
    return new Field(column.columnName(), new FieldType(column.nullable(), type, null), null);
  }


  public static FieldVector newVector(EventColumn column, BufferAllocator allocator) {
    return field(column).createVector(allocator);
  }

  /** Writes one column of a row into a vector at an index, growing the vector as needed. */
  public static void copy(EventRow row, EventColumn column, FieldVector target, int index) {
    if (row.isNull(column)) {
      target.setNull(index);
      return;
    }
    switch (column.kind()) {
      case LONG -> ((BigIntVector) target).setSafe(index, row.getLong(column));
      case TIMESTAMP_MILLIS -> ((TimeStampMilliTZVector) target).setSafe(index, row.getLong(column));
      case STRING, JSON -> ((VarCharVector) target).setSafe(index, row.getBytes(column));
    }
  }

  /** Reads a LONG or TIMESTAMP column's value; the caller checks for null first. */
  public static long getLong(FieldVector vector, int index) {
    return vector instanceof BigIntVector b ? b.get(index) : ((TimeStampMilliTZVector) vector).get(index);
  }
}
