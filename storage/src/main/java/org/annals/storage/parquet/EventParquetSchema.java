package org.annals.storage.parquet;

import java.util.List;
import org.annals.storage.event.EventColumn;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The Parquet schema of event files: one flat, typed column per {@link EventColumn}, in its order.
 * Positions are INT64, recorded_at is TIMESTAMP(MILLIS, UTC), text is STRING and payloads are JSON,
 * so any Parquet reader sees real types. Stateless.
 */
public final class EventParquetSchema {
  public static final MessageType SCHEMA = build();

  private EventParquetSchema() {}

  private static MessageType build() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (EventColumn c : EventColumn.ALL) {
      b.addField(field(c));
    }
    return b.named("event");
  }

  private static PrimitiveType field(EventColumn c) {
    Type.Repetition rep = c.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
    return switch (c.kind()) {
      case LONG -> Types.primitive(PrimitiveTypeName.INT64, rep).named(c.columnName());
      case TIMESTAMP_MILLIS -> Types.primitive(PrimitiveTypeName.INT64, rep)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
          .named(c.columnName());
      case STRING -> Types.primitive(PrimitiveTypeName.BINARY, rep)
          .as(LogicalTypeAnnotation.stringType()).named(c.columnName());
      case JSON -> Types.primitive(PrimitiveTypeName.BINARY, rep)
          .as(LogicalTypeAnnotation.jsonType()).named(c.columnName());
    };
  }


  /** The schema restricted to some columns, for reading only those. */
  public static MessageType projection(List<EventColumn> columns) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (EventColumn c : columns) {
      b.addField(field(c));
    }
    return b.named("event");
  }
}
