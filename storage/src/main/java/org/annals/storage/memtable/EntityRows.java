package org.annals.storage.memtable;

import java.util.Arrays;
import org.annals.storage.index.SeededHash;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.VarCharVector;

/**
 * The rows of a sealed memtable chunk by entity id: an open-addressing table from each distinct
 * id to its first row, and a chain from every row to the entity's next one, in row order. Built
 * once, on the first lookup after the chunk is sealed (a sealed chunk never changes), so an
 * entity's history in the memtable is a few probes per chunk instead of a pass over every row.
 * Immutable once built.
 */
final class EntityRows {
  private final VarCharVector ids;
  private final int[] first;
  private final int[] next;
  private final int mask;

  /** Indexes rows [0, rows) of the chunk's entity_id vector. */
  EntityRows(VarCharVector ids, int rows) {
    this.ids = ids;
    int capacity = Integer.highestOneBit(Math.max(16, rows * 2 - 1)) << 1;
    this.first = new int[capacity];
    Arrays.fill(first, -1);
    this.mask = capacity - 1;
    this.next = new int[rows];
    int[] last = new int[capacity];
    byte[] buffer = new byte[64];
    for (int row = 0; row < rows; row++) {
      next[row] = -1;
      if (ids.isNull(row)) {
        continue;
      }
      int length = ids.getValueLength(row);
      if (length > buffer.length) {
        buffer = new byte[Math.max(length, buffer.length * 2)];
      }
      ids.getDataBuffer().getBytes(ids.getStartOffset(row), buffer, 0, length);
      int slot = (int) SeededHash.of(buffer, 0, length) & mask;
      while (first[slot] >= 0 && !sameId(first[slot], buffer, length)) {
        slot = (slot + 1) & mask;
      }
      if (first[slot] < 0) {
        first[slot] = row;
      } else {
        next[last[slot]] = row;
      }
      last[slot] = row;
    }
  }

  /** The entity's first row, or -1 if the chunk has none of its events. */
  int first(byte[] entityId) {
    int slot = (int) SeededHash.of(entityId, 0, entityId.length) & mask;
    while (first[slot] >= 0) {
      if (sameId(first[slot], entityId, entityId.length)) {
        return first[slot];
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /** The entity's next row after {@code row}, or -1. */
  int next(int row) {
    return next[row];
  }

  private boolean sameId(int row, byte[] id, int length) {
    int start = ids.getStartOffset(row);
    return ids.getValueLength(row) == length
        && ByteFunctionHelpers.compare(ids.getDataBuffer(), start, start + length, id, 0, length) == 0;
  }
}
