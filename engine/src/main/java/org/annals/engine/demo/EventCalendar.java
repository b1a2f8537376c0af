package org.annals.engine.demo;

import java.util.Arrays;

/**
 * Planned events by the minute they fall in (a calendar queue: O(1) to add to). Each minute keeps
 * its plans as rows of {@link Plan#ROW_LONGS} longs in chunks of {@value #PLANS_PER_CHUNK} rows, so
 * waiting events cost the garbage collector a few arrays per minute rather than a handful of
 * objects each, and a busy minute grows by a chunk rather than by copying what it holds.
 * Not thread-safe.
 */
final class EventCalendar {
  static final int PLANS_PER_CHUNK = 16;
  /** Chunks a minute has room for before its list of chunks doubles: 64 plans. */
  private static final int FIRST_CHUNKS = 4;

  private final long start;
  /** Per minute, its chunks in order; null for a minute with no plans. */
  private final long[][][] chunks;
  private final int[] counts;

  /** A calendar of {@code minutes} minutes from {@code start} (epoch milliseconds). */
  EventCalendar(long start, int minutes) {
    this.start = start;
    this.chunks = new long[minutes][][];
    this.counts = new int[minutes];
  }

  int minutes() {
    return chunks.length;
  }

  /** Adds a plan in the minute of its time; a plan after the calendar's last minute is dropped. */
  void add(Plan plan) {
    int minute = (int) ((plan.at - start) / 60_000);
    if (minute >= chunks.length) {
      return;
    }
    int count = counts[minute];
    int chunk = count / PLANS_PER_CHUNK;
    long[][] list = chunks[minute];
    if (list == null) {
      list = chunks[minute] = new long[FIRST_CHUNKS][];
    } else if (chunk == list.length) {
      list = chunks[minute] = Arrays.copyOf(list, 2 * list.length);
    }
    if (list[chunk] == null) {
      list[chunk] = new long[PLANS_PER_CHUNK * Plan.ROW_LONGS];
    }
    plan.writeTo(list[chunk], count % PLANS_PER_CHUNK * Plan.ROW_LONGS);
    counts[minute] = count + 1;
  }

  /**
   * Takes a minute's plans out of the calendar, in time order and, where times are equal, in the
   * order they were added.
   */
  Due take(int minute) {
    long[][] list = chunks[minute];
    int count = counts[minute];
    chunks[minute] = null;
    counts[minute] = 0;
    long minuteStart = start + minute * 60_000L;
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      long at = list[i / PLANS_PER_CHUNK][i % PLANS_PER_CHUNK * Plan.ROW_LONGS];
      keys[i] = (at - minuteStart) << 32 | i;
    }
    Arrays.sort(keys);
    return new Due(list, keys);
  }

  /** One minute's plans in time order. */
  static final class Due {
    private final long[][] chunks;
    /** Offset in the minute, then index, of each plan: sorted, so in time order. */
    private final long[] order;

    private Due(long[][] chunks, long[] order) {
      this.chunks = chunks;
      this.order = order;
    }

    int size() {
      return order.length;
    }

    /** Reads the i-th plan in time order into {@code into}. */
    void read(int i, Plan into) {
      int index = (int) order[i];
      into.readFrom(chunks[index / PLANS_PER_CHUNK], index % PLANS_PER_CHUNK * Plan.ROW_LONGS);
    }
  }
}
