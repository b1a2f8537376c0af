package org.annals.storage.scan;

import it.unimi.dsi.fastutil.bytes.ByteArrays;
import it.unimi.dsi.fastutil.objects.Object2IntOpenCustomHashMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.annals.storage.event.EventColumn;

/**
 * The groups of an aggregate being computed and each group's measures, as numbers: a group's key
 * is a few longs (a text key is the number of its text, kept once), found in a {@link GroupTable};
 * its measures are longs in one array, with a bit per measure that has seen a value. Callers fill
 * {@link #key()} and ask for the group's {@link #slot}. Not thread-safe.
 */
final class Groups {
  private final AggregateSpec.GroupKey[] keySpecs;
  private final AggregateSpec.Measure[] measures;
  private final GroupTable table;
  private final long[] key;
  private final Object2IntOpenCustomHashMap<byte[]> textIds =
      new Object2IntOpenCustomHashMap<>(ByteArrays.HASH_STRATEGY);
  private final List<byte[]> texts = new ArrayList<>();
  private long[] values = new long[64];
  /** Per group, a bit per measure that has seen a value (SUM, MIN and MAX of none are null). */
  private long[] seen = new long[64];

  Groups(AggregateSpec aggregate) {
    this.keySpecs = aggregate.keys().toArray(new AggregateSpec.GroupKey[0]);
    this.measures = aggregate.measures().toArray(new AggregateSpec.Measure[0]);
    if (measures.length > 64) {
      throw new IllegalArgumentException("an aggregate computes at most 64 measures, not " + measures.length);
    }
    // The last key word holds a bit per key that is null, so a null never equals a value.
    this.table = new GroupTable(keySpecs.length + 1);
    this.key = new long[keySpecs.length + 1];
    textIds.defaultReturnValue(-1);
  }

  /** Where callers put a group's key values (a text as its {@link #textId}) before {@link #slot}. */
  long[] key() {
    return key;
  }

  /** The slot of the group whose values are in {@link #key()}, with these keys null. */
  int slot(long nullMask) {
    key[keySpecs.length] = nullMask;
    int before = table.size();
    int slot = table.slotOf(key);
    if (slot == before) {
      int need = (slot + 1) * Math.max(1, measures.length);
      if (need > values.length) {
        values = Arrays.copyOf(values, Math.max(need, values.length * 2));
      }
      if (slot >= seen.length) {
        seen = Arrays.copyOf(seen, seen.length * 2);
      }
    }
    return slot;
  }

  /** Adds {@code n} to a COUNT measure of a group. */
  void count(int slot, int measure, long n) {
    values[slot * measures.length + measure] += n;
  }

  /** Adds {@code rows} to every measure, all of them row counts, of the group in {@link #key()}. */
  void addRowCounts(long rows, long nullMask) {
    int slot = slot(nullMask);
    for (int j = 0; j < measures.length; j++) {
      values[slot * measures.length + j] += rows;
    }
  }

  /** Adds a value to a SUM, MIN or MAX measure of a group. */
  void accumulate(int slot, int measure, long v) {
    int at = slot * measures.length + measure;
    long bit = 1L << measure;
    if ((seen[slot] & bit) == 0) {
      values[at] = v;
      seen[slot] |= bit;
      return;
    }
    values[at] = switch (measures[measure].function()) {
      case SUM -> sum(values[at], v);
      case MIN -> Math.min(values[at], v);
      case MAX -> Math.max(values[at], v);
      case COUNT -> throw new IllegalStateException("counts are not accumulated by value");
    };
  }

  private static long sum(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new ArithmeticException("a SUM overflowed the range of BIGINT");
    }
  }

  /** The number that stands for a text in keys; the bytes are copied the first time. */
  int textId(byte[] utf8) {
    int id = textIds.getInt(utf8);
    if (id < 0) {
      id = texts.size();
      byte[] copy = utf8.clone();
      texts.add(copy);
      textIds.put(copy, id);
    }
    return id;
  }

  /**
   * The answer: one row per group, the keys (String or Long, null for null) then the measures
   * (Long; null for a SUM, MIN or MAX that saw no value). With no keys there is always one row,
   * as SQL has it: a count of nothing is 0.
   */
  List<Object[]> rows() {
    if (keySpecs.length == 0 && table.size() == 0) {
      slot(0);
    }
    List<Object[]> rows = new ArrayList<>(table.size());
    for (int slot = 0; slot < table.size(); slot++) {
      Object[] row = new Object[keySpecs.length + measures.length];
      long nulls = table.key(slot, keySpecs.length);
      for (int i = 0; i < keySpecs.length; i++) {
        long k = table.key(slot, i);
        if ((nulls & (1L << i)) != 0) {
          row[i] = null;
        } else if (keySpecs[i].column().kind().isLong()) {
          row[i] = k;
        } else {
          row[i] = new String(texts.get((int) k), StandardCharsets.UTF_8);
        }
      }
      for (int j = 0; j < measures.length; j++) {
        boolean valued = measures[j].function() == AggregateSpec.Function.COUNT
            || (seen[slot] & (1L << j)) != 0;
        row[keySpecs.length + j] = valued ? values[slot * measures.length + j] : null;
      }
      rows.add(row);
    }
    return rows;
  }
}
