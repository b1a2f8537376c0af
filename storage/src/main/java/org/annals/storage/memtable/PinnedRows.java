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
