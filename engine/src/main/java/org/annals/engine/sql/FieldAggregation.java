package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.linq4j.Enumerator;

/**
 * Computes a {@link EventQuery.FieldAggregate} over a scan's rows as they are read, grouped in a
 * hash table: COUNT as a long, SUM of whole numbers as a long (an overflow is an error, 22003)
 * and of other numbers as a double, MIN and MAX by their natural order. A group with no
 * value for a SUM, MIN or MAX gets NULL; no rows and no keys give one row, as SQL's aggregate
 * of an empty table does. Stateless.
 */
final class FieldAggregation {
  private FieldAggregation() {}

  /** One group's running state: per measure a count, and a sum or extreme so far. */
  private static final class Group {
    final long[] counts;
    final long[] longs;
    final double[] doubles;
    /** Per SUM, whether it sums doubles (its column's values are Double) rather than longs. */
    final boolean[] fractional;
    final Object[] values;

    Group(int measures) {
      counts = new long[measures];
      longs = new long[measures];
      doubles = new double[measures];
      fractional = new boolean[measures];
      values = new Object[measures];
    }
  }

  /** The groups of the rows, keys first, then the measures; consumes the rows. */
  static List<Object[]> run(Enumerator<Object[]> rows, EventQuery.FieldAggregate aggregate) {
    List<EventQuery.FieldKey> keys = aggregate.keys();
    List<EventQuery.FieldMeasure> measures = aggregate.measures();
    Map<List<Object>, Group> groups = new HashMap<>();
    // Without keys there is one group, looked up once.
    Group only = keys.isEmpty() ? groups.computeIfAbsent(List.of(), k -> new Group(measures.size())) : null;
    while (rows.moveNext()) {
      Object[] row = rows.current();
      Group g = only;
      if (g == null) {
        Object[] key = new Object[keys.size()];
        for (int k = 0; k < key.length; k++) {
          key[k] = keys.get(k).of(row);
        }
        g = groups.computeIfAbsent(Arrays.asList(key), k -> new Group(measures.size()));
      }
      for (int m = 0; m < measures.size(); m++) {
        EventQuery.FieldMeasure measure = measures.get(m);
        Object v = measure.input() < 0 ? Boolean.TRUE : row[measure.input()];
        if (v != null) {
          add(g, m, measure, v);
        }
      }
    }
    List<Object[]> out = new ArrayList<>(groups.size());
    groups.forEach((key, g) -> {
      Object[] row = new Object[keys.size() + measures.size()];
      for (int k = 0; k < keys.size(); k++) {
        row[k] = key.get(k);
      }
      for (int m = 0; m < measures.size(); m++) {
        row[keys.size() + m] = result(g, m, measures.get(m));
      }
      out.add(row);
    });
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void add(Group g, int m, EventQuery.FieldMeasure measure, Object v) {
    g.counts[m]++;
    switch (measure.function()) {
      case SUM -> {
        if (v instanceof Long l) {
          try {
            g.longs[m] = Math.addExact(g.longs[m], l);
          } catch (ArithmeticException overflow) {
            throw SqlErrors.of(SqlErrors.OUT_OF_RANGE, "a SUM of BIGINT values passed the largest BIGINT;"
                + " sum CAST(column AS DOUBLE) or DECIMAL instead");
          }
        } else {
          g.doubles[m] += ((Number) v).doubleValue();
          g.fractional[m] = true;
        }
      }
      case MIN -> g.values[m] = g.values[m] == null || ((Comparable) v).compareTo(g.values[m]) < 0 ? v : g.values[m];
      case MAX -> g.values[m] = g.values[m] == null || ((Comparable) v).compareTo(g.values[m]) > 0 ? v : g.values[m];
      default -> { }
    }
  }

  private static Object result(Group g, int m, EventQuery.FieldMeasure measure) {
    return switch (measure.function()) {
      case COUNT -> g.counts[m];
      case SUM -> g.counts[m] == 0 ? null : g.fractional[m] ? (Object) g.doubles[m] : (Object) g.longs[m];
      default -> g.values[m];
    };
  }
}
