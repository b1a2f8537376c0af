package org.annals.storage.memtable;

import it.unimi.dsi.fastutil.bytes.ByteArrays;
import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.longs.LongArrays;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;

/**
 * One partition's rows of sealed memtable chunks in the order its file keeps them (entity_id,
 * version, seq), copied out a block at a time and column by column.
 *
 * <p>That order scatters the reads across the memtable, since one entity's events were appended
 * far apart. Copying one column of a block in a tight loop lets the processor overlap those cache
 * misses, and the Parquet writer then reads each block front to back. Reading row by row, every
 * column at once, stalled the writer on almost every value. The block's arrays are reused, so a
 * partition of any size costs one block of heap.
 *
 * <p>The iterator returns the same {@link EventRow} view each time, moved to the next row; it is
 * valid until the next call. The chunks must stay pinned while this is used. Not thread-safe.
 */
public final class FileOrderRows implements Iterator<EventRow> {
  static final int BLOCK_ROWS = 8192;
  /** A block ends early once a text column would hold more; a single value may exceed it. */
  static final int BLOCK_COLUMN_BYTES = 64 << 20;
  private static final int COLUMNS = EventColumn.ALL.size();

  /** Per column and part: where the sealed vector's validity, offset and data buffers live. */
  private final long[][] validity;
  private final long[][] offsets;
  private final long[][] data;
  /** (part, row) positions in file order. */
  private final long[] order;
  private int blockStart;
  private int blockEnd;
  private int next;

  private final long[][] longs = new long[COLUMNS][];
  private final boolean[][] nulls = new boolean[COLUMNS][];
  private final byte[][] bytes = new byte[COLUMNS][];
  /** Per text column, where each row's bytes start in {@link #bytes}; one more for the end. */
  private final int[][] starts = new int[COLUMNS][];
  /** Where each row's value of the text column being loaded sits in memtable memory. */
  private final long[] sources;
  private final BlockRow row = new BlockRow();

  private FileOrderRows(List<PinnedRows.Part> parts, long[] order) {
    this.order = order;
    validity = new long[COLUMNS][parts.size()];
    offsets = new long[COLUMNS][parts.size()];
    data = new long[COLUMNS][parts.size()];
    for (int p = 0; p < parts.size(); p++) {
      for (EventColumn c : EventColumn.ALL) {
        FieldVector v = parts.get(p).chunk().sealedVector(c);
        validity[c.ordinal()][p] = v.getValidityBufferAddress();
        data[c.ordinal()][p] = v.getDataBufferAddress();
        offsets[c.ordinal()][p] = c.kind().isLong() ? 0 : v.getOffsetBufferAddress();
      }
    }
    // A small partition needs no more than its own rows of block.
    int blockRows = Math.min(BLOCK_ROWS, order.length);
    sources = new long[blockRows];
    for (EventColumn c : EventColumn.ALL) {
      if (c.kind().isLong()) {
        longs[c.ordinal()] = new long[blockRows];
      } else {
        bytes[c.ordinal()] = new byte[blockRows * 32];
        starts[c.ordinal()] = new int[blockRows + 1];
      }
      if (c.nullable()) {
        nulls[c.ordinal()] = new boolean[blockRows];
      }
    }
  }

  /**
   * Orders rows of one partition for its file.
   *
   * @param positions the rows as {@link PinnedRows#position}s in {@code parts}, in seq order
   * @param count how many of {@code positions} are used
   */
  public static FileOrderRows sorted(List<PinnedRows.Part> parts, long[] positions, int count) {
    // The rows are read from raw memory without checks, so a bad position must fail here.
    for (int i = 0; i < count; i++) {
      int part = PinnedRows.part(positions[i]);
      if (part < 0 || part >= parts.size() || PinnedRows.row(positions[i]) < 0
          || PinnedRows.row(positions[i]) >= parts.get(part).rows()) {
        throw new IllegalArgumentException("row " + PinnedRows.row(positions[i]) + " of part " + part
            + " is not among the pinned rows");
      }
    }
    FileOrderRows rows = new FileOrderRows(parts, Arrays.copyOf(positions, count));
    rows.sortByEntity();
    return rows;
  }

  /**
   * Rows come in seq order and an entity's versions rise with seq, so a stable sort on entity_id
   * alone (nulls first) gives entity_id, version, seq.
   *
   * <p>Ids of one partition usually share a prefix ("order-00") and differ in the next few
   * bytes, so each row's key is the eight bytes after the prefix all its ids share, and a stable
   * radix sort on the keys orders nearly everything without comparing ids. Only rows whose keys
   * tie but whose ids differ (longer ids, or a null beside an id that ends at the shared prefix)
   * are then sorted by the whole id.
   */
  private void sortByEntity() {
    int col = EventColumn.ENTITY_ID.ordinal();
    int count = order.length;
    long total = 0;
    for (long position : order) {
      total += length(col, position); // 0 for a null id
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("the entity ids of one partition take " + total
          + " bytes, more than one sort can hold; flush more often");
    }
    byte[] ids = new byte[(int) total];
    int[] idStarts = new int[count + 1];
    boolean[] noId = new boolean[count];
    int fill = 0;
    for (int i = 0; i < count; i++) {
      idStarts[i] = fill;
      noId[i] = isNull(col, order[i]);
      if (!noId[i]) {
        fill += copy(col, order[i], ids, fill);
      }
    }
    idStarts[count] = fill;
    EntityIds entities = new EntityIds(ids, idStarts, noId);
    int shared = entities.sharedPrefix();
    long[] keys = new long[count];
    int[] byId = new int[count];
    for (int i = 0; i < count; i++) {
      keys[i] = entities.key(i, shared);
      byId[i] = i;
    }
    LongArrays.radixSortIndirect(byId, keys, true);
    for (int from = 0, to; from < count; from = to) {
      to = from + 1;
      while (to < count && keys[byId[to]] == keys[byId[from]]) {
        to++;
      }
      if (!entities.allSame(byId, from, to)) {
        IntArrays.mergeSort(byId, from, to, entities::compare);
      }
    }
    long[] unsorted = order.clone();
    for (int i = 0; i < count; i++) {
      order[i] = unsorted[byId[i]];
    }
  }

  /** The entity ids of a partition's rows as slices of one array, in row order. */
  private record EntityIds(byte[] bytes, int[] starts, boolean[] missing) {
    /** How many leading bytes every id has in common. */
    int sharedPrefix() {
      int first = -1;
      int shared = Integer.MAX_VALUE;
      for (int i = 0; i < missing.length && shared > 0; i++) {
        if (missing[i]) {
          continue;
        }
        if (first < 0) {
          first = i;
          shared = starts[i + 1] - starts[i];
          continue;
        }
        int mismatch = Arrays.mismatch(bytes, starts[first], starts[first] + shared,
            bytes, starts[i], starts[i + 1]);
        if (mismatch >= 0) {
          shared = mismatch;
        }
      }
      return first < 0 ? 0 : shared;
    }

    /**
     * The id's eight bytes after the shared prefix, zero-padded, as a signed number that orders
     * like the bytes do unsigned; a missing id has the smallest key.
     */
    long key(int row, int shared) {
      if (missing[row]) {
        return Long.MIN_VALUE;
      }
      long key = 0;
      for (int at = starts[row] + shared, j = 0; j < 8; j++, at++) {
        key = key << 8 | (at < starts[row + 1] ? bytes[at] & 0xff : 0);
      }
      return key ^ Long.MIN_VALUE;
    }

    boolean allSame(int[] rows, int from, int to) {
      for (int i = from + 1; i < to; i++) {
        if (compare(rows[from], rows[i]) != 0) {
          return false;
        }
      }
      return true;
    }

    /** Missing ids first, then ids by their bytes, unsigned. */
    int compare(int a, int b) {
      if (missing[a] || missing[b]) {
        return Boolean.compare(!missing[a], !missing[b]);
      }
      return Arrays.compareUnsigned(bytes, starts[a], starts[a + 1], bytes, starts[b], starts[b + 1]);
    }
  }

  public int size() {
    return order.length;
  }

  @Override
  public boolean hasNext() {
    return next < order.length;
  }

  @Override
  public EventRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (next == blockEnd) {
      load(next);
    }
    row.index = next++ - blockStart;
    return row;
  }

  /**
   * Copies the next block of the file order, from row {@code from}, one column at a time. A text
   * column that would pass {@link #BLOCK_COLUMN_BYTES} ends the block there; the columns already
   * copied past that row are then simply not read.
   */
  private void load(int from) {
    blockStart = from;
    blockEnd = Math.min(order.length, from + BLOCK_ROWS);
    for (EventColumn c : EventColumn.ALL) {
      int col = c.ordinal();
      boolean[] isNull = nulls[col];
      if (isNull != null) {
        for (int i = from; i < blockEnd; i++) {
          isNull[i - from] = isNull(col, order[i]);
        }
      }
      if (c.kind().isLong()) {
        long[] out = longs[col];
        long[] addresses = data[col];
        for (int i = from; i < blockEnd; i++) {
          long position = order[i];
          long address = addresses[PinnedRows.part(position)] + 8L * PinnedRows.row(position);
          out[i - from] = MemoryUtil.getLong(address);
        }
      } else {
        loadText(col, from);
      }
    }
  }

  /**
   * Copies a text column's values of the block in two passes: first every value's place and
   * length (from the offsets), then the bytes. Neither pass waits for one read before it can
   * start the next, so the cache misses of a block overlap.
   */
  private void loadText(int col, int from) {
    int[] at = starts[col];
    long fill = 0;
    for (int i = from; i < blockEnd; i++) {
      long offset = offsetAt(col, order[i]);
      int start = MemoryUtil.getInt(offset);
      int length = MemoryUtil.getInt(offset + 4) - start; // 0 for a null
      if (i > from && fill + length > BLOCK_COLUMN_BYTES) {
        blockEnd = i;
        break;
      }
      at[i - from] = (int) fill;
      sources[i - from] = data[col][PinnedRows.part(order[i])] + start;
      fill += length;
    }
    at[blockEnd - from] = (int) fill;
    // Nothing in the block's old bytes is kept, so a larger array need not copy them.
    byte[] into = bytes[col] = ByteArrays.grow(bytes[col], (int) fill, 0);
    for (int k = 0; k < blockEnd - from; k++) {
      MemoryUtil.copyFromMemory(sources[k], into, at[k], at[k + 1] - at[k]);
    }
  }

  private boolean isNull(int col, long position) {
    int row = PinnedRows.row(position);
    byte bits = MemoryUtil.getByte(validity[col][PinnedRows.part(position)] + (row >>> 3));
    return (bits & (1 << (row & 7))) == 0;
  }

  /** Where a text value's start offset sits; its end offset follows. */
  private long offsetAt(int col, long position) {
    return offsets[col][PinnedRows.part(position)] + 4L * PinnedRows.row(position);
  }

  /** A text value's length in bytes; 0 for a null, whose offsets Arrow fills in equal. */
  private int length(int col, long position) {
    long at = offsetAt(col, position);
    return MemoryUtil.getInt(at + 4) - MemoryUtil.getInt(at);
  }

  /** Copies a text value to {@code into} at {@code at}; returns its length. */
  private int copy(int col, long position, byte[] into, int at) {
    long offset = offsetAt(col, position);
    int start = MemoryUtil.getInt(offset);
    int length = MemoryUtil.getInt(offset + 4) - start;
    MemoryUtil.copyFromMemory(data[col][PinnedRows.part(position)] + start, into, at, length);
    return length;
  }

  /** The view of the current row of the block. */
  private final class BlockRow implements EventRow {
    private int index;

    @Override
    public boolean isNull(EventColumn column) {
      boolean[] isNull = nulls[column.ordinal()];
      return isNull != null && isNull[index];
    }

    @Override
    public long getLong(EventColumn column) {
      return longs[column.ordinal()][index];
    }

    @Override
    public byte[] getBytes(EventColumn column) {
      if (isNull(column)) {
        return null;
      }
      int[] at = starts[column.ordinal()];
      return Arrays.copyOfRange(bytes[column.ordinal()], at[index], at[index + 1]);
    }

    @Override
    public int copyBytes(EventColumn column, byte[] into) {
      int[] at = starts[column.ordinal()];
      int length = at[index + 1] - at[index];
      if (length <= into.length) {
        System.arraycopy(bytes[column.ordinal()], at[index], into, 0, length);
      }
      return length;
    }
  }
}
