package org.annals.storage.memtable;

import it.unimi.dsi.fastutil.bytes.ByteArrays;
import it.unimi.dsi.fastutil.objects.Object2IntOpenCustomHashMap;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VarCharVector;

/**
 * A text column of a sealed memtable chunk as dictionary ids: the column's distinct values once,
 * and each row's id, as a Parquet page holds a dictionary-encoded column. An aggregate that groups
 * by the column then looks each value up once per chunk instead of copying and hashing it per row
 * (1.07 M events in the memtable grouped by event_type took 65 ms against 27 ms flushed). Built
 * once per chunk and column, on the first aggregate that wants it, and only for columns whose
 * values repeat: past {@link #maxValues} distinct values the build stops and the column is read
 * row by row (entity ids and event ids never get a dictionary). Immutable once built.
 */
public final class TextDictionary {
  /**
   * Distinct values a dictionary of so many rows may hold: a sixteenth of the rows, at least 256,
   * so that the ids save more than the copied values cost.
   */
  static int maxValues(int rows) {
    return Math.max(256, rows / 16);
  }

  private final int[] ids;
  private final byte[][] values;

  private TextDictionary(int[] ids, byte[][] values) {
    this.ids = ids;
    this.values = values;
  }

  /**
   * Encodes rows [0, rows) of a text column, or returns null if they hold more than
   * {@link #maxValues} distinct values. A null row gets id -1.
   */
  static TextDictionary build(VarCharVector column, int rows) {
    Object2IntOpenCustomHashMap<byte[]> known = new Object2IntOpenCustomHashMap<>(ByteArrays.HASH_STRATEGY);
    known.defaultReturnValue(-1);
    List<byte[]> values = new ArrayList<>();
    int[] ids = new int[rows];
    int max = maxValues(rows);
    for (int row = 0; row < rows; row++) {
      if (column.isNull(row)) {
        ids[row] = -1;
        continue;
      }
      byte[] value = column.get(row);
      int id = known.getInt(value);
      if (id < 0) {
        if (values.size() == max) {
          return null;
        }
        id = values.size();
        values.add(value);
        known.put(value, id);
      }
      ids[row] = id;
    }
    return new TextDictionary(ids, values.toArray(new byte[0][]));
  }

  /** The id of a row's value; meaningless for a null row. */
  public int id(int row) {
    return ids[row];
  }

  /** How many distinct values there are; ids run from 0 to one less. */
  public int size() {
    return values.length;
  }

  /** The value of an id; the caller must not change it. */
  public byte[] value(int id) {
    return values[id];
  }
}
