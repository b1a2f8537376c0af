package org.annals.storage.memtable;

import java.util.List;

/**
 * Memtable rows fixed at one moment: each chunk with the row count it had then. Rows appended
 * later to the same chunk are beyond the count and so invisible. Release exactly once.
 *
 * @param endGlobalSeq one past the last global_seq visible through these parts
 */
public record PinnedRows(List<Part> parts, long endGlobalSeq) {

  /** A chunk and how many of its rows belong to the pin. */
  public record Part(MemtableChunk chunk, int rows) {}

  /** A row of the part at index {@code part}, as one number. */
  public static long position(int part, int row) {
    return (long) part << 32 | row;
  }

  public static int part(long position) {
    return (int) (position >>> 32);
  }

  public static int row(long position) {
    return (int) position;
  }

  public long rowCount() {
    long n = 0;
    for (Part p : parts) {
      n += p.rows();
    }
    return n;
  }

  public void release() {
    for (Part p : parts) {
      p.chunk().release();
    }
  }
}
