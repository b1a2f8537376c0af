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

  /**
   * One reusable buffer per column. parquet-java copies a reused-array {@link Binary} whenever it
   * keeps one (dictionary entries, statistics), so the buffers can be overwritten row after row.
   */
  private final byte[][] buffers = new byte[EventColumn.ALL.size()][256];

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
      if (c.nullable() && row.isNull(c)) {
        continue;
      }
      consumer.startField(c.columnName(), c.ordinal());
      if (c.kind().isLong()) {
        consumer.addLong(row.getLong(c));
      } else {
        consumer.addBinary(bytes(row, c));
      }
      consumer.endField(c.columnName(), c.ordinal());
    }
    consumer.endMessage();
  }

  private Binary bytes(EventRow row, EventColumn c) {
    byte[] buffer = buffers[c.ordinal()];
    int length = row.copyBytes(c, buffer);
    if (length > buffer.length) {
      buffer = new byte[Math.max(length, 2 * buffer.length)];
      buffers[c.ordinal()] = buffer;
      row.copyBytes(c, buffer);
    }
    return Binary.fromReusedByteArray(buffer, 0, length);
  }
}
