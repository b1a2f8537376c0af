package org.annals.engine.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
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
 * TIMESTAMP as Long (Calcite's internal form for timestamps), then any JSON fields. Owns its snapshot and scanner and
 * closes both. Calcite does not close an enumerator when a query fails part-way (a division by
 * zero in a filter, say), so a {@link Cleaner} releases the snapshot's pinned memory once an
 * abandoned enumerator is garbage: a failing query can delay the release, never leak it. Not
 * thread-safe.
 */
final class EventEnumerator implements Enumerator<Object[]>, ScanRows {
  private static final Cleaner CLEANER = Cleaner.create();

  /** Rows between two checks of {@link #cancel}: a row can take long above the scan (a LIKE over a large payload). */
  private static final int CANCEL_CHECK_ROWS = 64;

  private final EventScanner scanner;
  private final StatementCancel cancel;
  private final Cleaner.Cleanable release;
  private final int columns;
  private final JsonFieldReader json;
  private final Predicate<Object[]> onFields;
  private VectorSchemaRoot batch;
  private int row = -1;
  private long rowsRead;
  private Object[] current;
  /** The last row the field filters turned away, whose array the next row takes. */
  private Object[] rejected;
  private volatile boolean closed;

  /**
   * @param cancel whether the statement's scans are to stop, asked every few rows (storage asks
   *     between batches)
   * @param columns how many of the scan's leading columns a row returns
   * @param json the JSON fields a row returns after them, or null for none
   * @param onFields the test a row's JSON fields must pass, read before its columns; null for none
   */
  EventEnumerator(Snapshot snapshot, EventScanner scanner, StatementCancel cancel, int columns, JsonFieldReader json,
      Predicate<Object[]> onFields) {
    this.scanner = scanner;
    this.cancel = cancel;
    this.columns = columns;
    this.json = json;
    this.onFields = onFields;
    this.release = CLEANER.register(this, new Release(snapshot, scanner));
  }

  /** Closes the scanner, then the snapshot. Holds no reference to the enumerator. */
  private record Release(Snapshot snapshot, EventScanner scanner) implements Runnable {
    @Override
    public void run() {
      try (snapshot; scanner) {
        // Both are closed by the try, scanner first.
      } catch (IOException e) {
        throw new UncheckedIOException("closing an event scan failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public Object[] current() {
    return current;
  }

  @Override
  public boolean moveNext() {
    while (unreadRow()) {
      if (++rowsRead % CANCEL_CHECK_ROWS == 0 && cancel.getAsBoolean()) {
        throw cancel.error();
      }
      row++;
      Object[] values = rejected != null ? rejected : new Object[columns + (json == null ? 0 : json.size())];
      rejected = null;
      if (json != null) {
        json.read(batch, row, values, columns);
        if (onFields != null && !onFields.test(values)) {
          // No one holds a row the field filters turned away: the next row reuses it.
          rejected = values;
          continue;
        }
      }
      for (int i = 0; i < columns; i++) {
        values[i] = value(batch.getVector(i), row);
      }
      current = values;
      return true;
    }
    return false;
  }

  /**
   * The rows as an iterator that moves the scan only when asked for a row. Linq4j's iterator reads
   * one row ahead, which would leave a row that no one has seen behind {@link #run}'s position.
   * Closing it (Avatica's cursor does, when its result set closes) closes the scan.
   */
  Iterator<Object[]> iterator() {
    return new Rows();
  }

  private final class Rows implements Iterator<Object[]>, AutoCloseable {
    private Boolean ahead;

    @Override
    public boolean hasNext() {
      if (ahead == null) {
        ahead = moveNext();
      }
      return ahead;
    }

    @Override
    public Object[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException("the scan is over");
      }
      ahead = null;
      return current;
    }

    @Override
    public void close() {
      EventEnumerator.this.close();
    }
  }

  @Override
  public Run run() {
    if (closed) {
      throw new IllegalStateException("the scan was closed (its statement closed or expired)");
    }
    if (!unreadRow()) {
      return null;
    }
    current = null;
    return new Run(batch, row + 1, batch.getRowCount(), columns);
  }

  /** Reads batches until one holds a row after the current one; false once the scan is over. */
  private boolean unreadRow() {
    try {
      while (batch == null || row + 1 >= batch.getRowCount()) {
        if (!scanner.next()) {
          return false;
        }
        batch = scanner.batch();
        row = -1;
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("reading events failed: " + e.getMessage(), e);
    } catch (CancellationException e) {
      throw cancel.error();
    }
  }

  @Override
  public void consume(int rows) {
    row += rows;
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

  /**
   * Frees the scan's batches. Synchronized, as {@link ScanRows} readers are: a result set closed
   * from another thread (a statement expiring) waits for a frame being written from a batch.
   */
  @Override
  public synchronized void close() {
    closed = true;
    batch = null;
    release.clean();
  }
}
