package org.annals.storage.scan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.annals.storage.event.EventColumn;

/**
 * An aggregate a scan computes itself instead of returning rows: the rows a {@link ScanSpec}
 * selects, grouped by some columns (recorded_at optionally floored to a whole number of
 * milliseconds, such as an hour, or to a calendar period), with counts, sums, minimums and maximums per group. The answer
 * is one row per group: the keys in order, then the measures. Immutable.
 *
 * @param keys the grouping; empty for one group over every selected row
 * @param measures what to compute per group, in order
 */
public record AggregateSpec(List<GroupKey> keys, List<Measure> measures) {

  public AggregateSpec {
    keys = List.copyOf(keys);
    measures = List.copyOf(measures);
    if (keys.size() > 16) {
      throw new IllegalArgumentException("an aggregate groups by at most 16 keys, not " + keys.size());
    }
  }

  /**
   * One grouping key: a column's value, or for recorded_at, the value floored to a multiple of
   * {@code bucketMillis} since the epoch (UTC: an hour, a day) or to the start of its
   * {@link CalendarUnit} (a week, a month).
   *
   * @param bucketMillis 0 for the value as it is, or for a calendar period
   * @param calendar null for the value as it is, or for a fixed bucket
   */
  public record GroupKey(EventColumn column, long bucketMillis, CalendarUnit calendar) {
    public GroupKey {
      Objects.requireNonNull(column, "a group key needs a column");
      if (bucketMillis < 0) {
        throw new IllegalArgumentException("a time bucket is a positive number of milliseconds (or 0 for"
            + " none), not " + bucketMillis);
      }
      if (bucketMillis > 0 && calendar != null) {
        throw new IllegalArgumentException("a group key floors to " + bucketMillis + " ms or to a " + calendar
            + ", not both");
      }
      if ((bucketMillis > 0 || calendar != null) && column != EventColumn.RECORDED_AT) {
        throw new IllegalArgumentException("only recorded_at can be grouped by a time bucket, not "
            + column.columnName());
      }
    }

    /** recorded_at floored to a fixed bucket of milliseconds, or a column as it is for 0. */
    public GroupKey(EventColumn column, long bucketMillis) {
      this(column, bucketMillis, null);
    }

    public static GroupKey of(EventColumn column) {
      return new GroupKey(column, 0, null);
    }

    /** recorded_at floored to the start of a calendar period. */
    public static GroupKey of(CalendarUnit calendar) {
      return new GroupKey(EventColumn.RECORDED_AT, 0, calendar);
    }

    /** Whether the key floors its value rather than taking it as it is. */
    boolean bucketed() {
      return bucketMillis > 0 || calendar != null;
    }

    long apply(long value) {
      if (calendar != null) {
        return calendar.floor(value);
      }
      return bucketMillis == 0 ? value : Math.floorDiv(value, bucketMillis) * bucketMillis;
    }
  }

  /** What a measure computes. */
  public enum Function {
    /** Rows, or with a column, rows where it is not null. */
    COUNT,
    /** The sum of a LONG column's non-null values; null if there are none. */
    SUM,
    /** The least non-null value of a LONG or TIMESTAMP column; null if there are none. */
    MIN,
    /** The greatest non-null value of a LONG or TIMESTAMP column; null if there are none. */
    MAX
  }

  /**
   * One measure.
   *
   * @param column the column it reads; null only for COUNT of rows
   */
  public record Measure(Function function, EventColumn column) {
    public Measure {
      if (column == null && function != Function.COUNT) {
        throw new IllegalArgumentException(function + " needs a column");
      }
      if (column != null && function != Function.COUNT && !column.kind().isLong()) {
        throw new IllegalArgumentException(function + " works on numbers and timestamps, not "
            + column.columnName());
      }
    }

    public static Measure countRows() {
      return new Measure(Function.COUNT, null);
    }
  }

  /** The columns the aggregate reads, besides those the scan's predicates read. */
  public List<EventColumn> columns() {
    Set<EventColumn> cols = new LinkedHashSet<>();
    for (GroupKey k : keys) {
      cols.add(k.column());
    }
    for (Measure m : measures) {
      if (m.column() != null) {
        cols.add(m.column());
      }
    }
    return new ArrayList<>(cols);
  }
}
