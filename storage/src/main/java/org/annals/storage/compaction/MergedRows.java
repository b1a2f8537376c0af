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
 * then version, then seq), merged into one sequence in that order: what a compaction writes, and
 * (from one file, one entity's rows left out) what an erasure writes. An entity's versions rise
 * with seq, so (entity_id, seq) is the order and no two rows tie.
 *
 * <p>The row returned by {@link #next()} is the view of the file it came from and stays valid
 * until the next call, also after the last row. Read failures surface as
 * {@link UncheckedIOException} from {@code hasNext} and {@code next}, which the Parquet writer
 * passes on. Not thread-safe.
 */
public final class MergedRows implements Iterator<EventRow> {
  private static final int CANCEL_CHECK_ROWS = 4096;

  private final PriorityQueue<Head> heads = new PriorityQueue<>();
  private final long rows;
  private final byte[] without;
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

    /** Moves to the next row not of the entity {@code without} (null: any row). */
    boolean advance(byte[] without) throws IOException {
      do {
        if (!rows.next()) {
          return false;
        }
        entity = rows.row().getBytes(EventColumn.ENTITY_ID);
      } while (without != null && Arrays.equals(entity, without));
      seq = rows.row().getLong(EventColumn.SEQ);
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
   * @param rows how many rows the merge returns: the inputs' rows less those of {@code without}
   *     (knowing it lets {@link #hasNext} answer without moving off the row last returned)
   * @param without the UTF-8 id of an entity whose rows are left out, or null
   * @param cancelled asked every few thousand rows; once true, {@code next} throws
   *     {@link CancellationException}
   */
  public MergedRows(List<FileRows> inputs, long rows, byte[] without, BooleanSupplier cancelled) throws IOException {
    this.rows = rows;
    this.without = without;
    this.cancelled = cancelled;
    for (FileRows in : inputs) {
      Head h = new Head(in);
      if (h.advance(without)) {
        heads.add(h);
      }
    }
  }

  /**
   * Throws if the inputs hold rows beyond those returned: the count given was short, and the
   * file written from this would lose them. Call once the last row has been used.
   */
  public void checkAllRead() throws IOException {
    if (!heads.isEmpty() || current != null && current.advance(without)) {
      throw new IOException("the files hold more than the " + rows + " rows their manifest entries count;"
          + " nothing was replaced");
    }
  }

  @Override
  public boolean hasNext() {
    return returned < rows;
  }

  @Override
  public EventRow next() {
    if (++returned % CANCEL_CHECK_ROWS == 0 && cancelled.getAsBoolean()) {
      throw new CancellationException("the compaction was stopped");
    }
    try {
      if (current != null && current.advance(without)) {
        heads.add(current);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    current = heads.poll();
    if (current == null || returned > rows) {
      throw new NoSuchElementException("the files hold fewer rows than the " + rows + " expected");
    }
    return current.rows.row();
  }
}
