package org.annals.storage.parquet;

import java.util.Map;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes events straight from {@link EventRow}s into parquet-java's column writers through the
 * {@link RecordConsumer}: no intermediate record objects per row. One instance per file.
 */
final class EventWriteSupport extends WriteSupport<EventRow> {
  private RecordConsumer consumer;

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(EventParquetSchema.SCHEMA, Map.of("annals.format", "1"));
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  @Override
  public void write(EventRow row) {
    consumer.startMessage();
    for (EventColumn c : EventColumn.ALL) {
      if (row.isNull(c)) {
        continue;
      }
      consumer.startField(c.columnName(), c.ordinal());
      if (c.kind().isLong()) {
        consumer.addLong(row.getLong(c));
      } else {
        consumer.addBinary(Binary.fromConstantByteArray(row.getBytes(c)));
      }
      consumer.endField(c.columnName(), c.ordinal());
    }
    consumer.endMessage();
  }
}
