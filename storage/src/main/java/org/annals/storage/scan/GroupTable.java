package org.annals.storage.scan;

import java.util.Arrays;

/**
 * Groups of an aggregate, found by a fixed-width key of longs: a flat open-addressing table with
 * linear probing, so a row costs a hash and a compare, never an object. Each group has a slot
 * number in insertion order that indexes the aggregate's accumulators. Not thread-safe.
 */
final class GroupTable {
  private final int width;
  private long[] keys;
  /** For each table position, 1 + the slot of the group stored there, or 0 when empty. */
  private int[] table;
  private int groups;

  GroupTable(int width) {
    this.width = width;
    this.keys = new long[16 * width];
    this.table = new int[32];
  }

  int size() {
    return groups;
  }

  /** The slot of the group with this key, adding the group if it is new. */
  int slotOf(long[] key) {
    int mask = table.length - 1;
    int at = hash(key) & mask;
    while (true) {
      int entry = table[at];
      if (entry == 0) {
        return add(key, at);
      }
      if (equalsAt(entry - 1, key)) {
        return entry - 1;
      }
      at = (at + 1) & mask;
    }
  }

  /** The key of a slot, component {@code i}. */
  long key(int slot, int i) {
    return keys[slot * width + i];
  }

  private boolean equalsAt(int slot, long[] key) {
    int base = slot * width;
    for (int i = 0; i < width; i++) {
      if (keys[base + i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  private int add(long[] key, int at) {
    int slot = groups++;
    if ((slot + 1) * width > keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
    }
    System.arraycopy(key, 0, keys, slot * width, width);
    table[at] = slot + 1;
    if (groups * 2 > table.length) {
      rehash();
    }
    return slot;
  }

  private void rehash() {
    int[] bigger = new int[table.length * 2];
    int mask = bigger.length - 1;
    long[] key = new long[width];
    for (int slot = 0; slot < groups; slot++) {
      System.arraycopy(keys, slot * width, key, 0, width);
      int at = hash(key) & mask;
      while (bigger[at] != 0) {
        at = (at + 1) & mask;
      }
      bigger[at] = slot + 1;
    }
    table = bigger;
  }

  private static int hash(long[] key) {
    long h = 0x9E3779B97F4A7C15L;
    for (long k : key) {
      h = (h ^ k) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return (int) (h ^ (h >>> 32));
  }
}
