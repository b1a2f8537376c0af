package org.annals.storage.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.annals.storage.scan.FileRows;

/**
 * The rows of several files of one partition, each in file order (entity_id with nulls first,
 * then version, then seq), merged into one sequence in that order: what a compaction writes. An
 * entity's versions rise with seq, so (entity_id, seq) is the order and no two rows tie.
 *
 * <p>The row returned by {@link #next()} is the view of the file it came from and stays valid
 * until the next call, also after the last row. Read failures surface as
 * {@link UncheckedIOException} from {@code hasNext} and {@code next}, which the Parquet writer
 * passes on. Not thread-safe.
 */
public final class MergedRows implements Iterator<EventRow> {
  private static final int CANCEL_CHECK_ROWS = 4096;

  private final PriorityQueue<Head> heads = new PriorityQueue<>();
  private final BooleanSupplier cancelled;
  private Head current;
  private long returned;

  /** One input and the sort key of its current row. */
  private static final class Head implements Comparable<Head> {
    final FileRows rows;
    byte[] entity;
    long seq;

    Head(FileRows rows) {
      this.rows = rows;
    }

    boolean advance() throws IOException {
      if (!rows.next()) {
        return false;
      }
      EventRow r = rows.row();
      entity = r.getBytes(EventColumn.ENTITY_ID);
      seq = r.getLong(EventColumn.SEQ);
      return true;
    }

    @Override
    public int compareTo(Head o) {
      if (entity == null || o.entity == null) {
        if (entity != o.entity) {
          return entity == null ? -1 : 1;
        }
      } else {
        int c = Arrays.compareUnsigned(entity, o.entity);
        if (c != 0) {
          return c;
        }
      }
      return Long.compare(seq, o.seq);
    }
  }

  /**
   * @param inputs the files to merge, none read yet; the caller closes them
   * @param cancelled asked every few thousand rows; once true, {@code next} throws
   *     {@link CancellationException}
   */
  public MergedRows(List<FileRows> inputs, BooleanSupplier cancelled) throws IOException {
    this.cancelled = cancelled;
    for (FileRows in : inputs) {
      Head h = new Head(in);
      if (h.advance()) {
        heads.add(h);
      }
    }
  }

  @Override
  public boolean hasNext() {
    return !heads.isEmpty() || current != null && current.rows.remaining() > 0;
  }

  @Override
  public EventRow next() {
    if (++returned % CANCEL_CHECK_ROWS == 0 && cancelled.getAsBoolean()) {
      throw new CancellationException("the compaction was stopped");
    }
    try {
      if (current != null && current.advance()) {
        heads.add(current);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    current = heads.poll();
    if (current == null) {
      throw new NoSuchElementException();
    }
    return current.rows.row();
  }
}
