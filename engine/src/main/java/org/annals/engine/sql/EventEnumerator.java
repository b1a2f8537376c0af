package org.annals.engine.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.linq4j.Enumerator;

/**
 * Walks the Arrow batches of a storage scan as Calcite rows: VARCHAR as String, BIGINT and
 * TIMESTAMP as Long (Calcite's internal form for timestamps). Owns its snapshot and scanner and
 * closes both. Not thread-safe.
 */
final class EventEnumerator implements Enumerator<Object[]> {
  private final Snapshot snapshot;
  private final EventScanner scanner;
  private final List<EventColumn> columns;
  private VectorSchemaRoot batch;
  private int row = -1;
  private Object[] current;

  EventEnumerator(Snapshot snapshot, EventScanner scanner, List<EventColumn> columns) {
    this.snapshot = snapshot;
    this.scanner = scanner;
    this.columns = columns;
  }

  @Override
  public Object[] current() {
    return current;
  }

  @Override
  public boolean moveNext() {
    try {
      while (batch == null || ++row >= batch.getRowCount()) {
        if (!scanner.next()) {
          return false;
        }
        batch = scanner.batch();
        row = -1;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading events failed: " + e.getMessage(), e);
    }
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = value(batch.getVector(i), row);
    }
    current = values;
    return true;
  }

  private static Object value(FieldVector v, int i) {
    if (v.isNull(i)) {
      return null;
    }
    if (v instanceof VarCharVector s) {
      return new String(s.get(i), StandardCharsets.UTF_8);
    }
    if (v instanceof BigIntVector b) {
      return b.get(i);
    }
    return ((TimeStampMilliTZVector) v).get(i);
  }

  @Override
  public void reset() {
    throw new UnsupportedOperationException("an event scan cannot be restarted");
  }

  @Override
  public void close() {
    try (snapshot; scanner) {
      batch = null;
    } catch (IOException e) {
      throw new UncheckedIOException("closing an event scan failed: " + e.getMessage(), e);
    }
  }
}
