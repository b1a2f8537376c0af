package org.annals.storage.scan;

import java.time.LocalDate;
import org.annals.storage.parquet.PartitionPath;

/**
 * Periods of the UTC calendar that a timestamp can be floored to, each starting at midnight: a
 * week (starting on Sunday), a month, a quarter, a year. Unlike an hour or a day they are not a
 * fixed number of milliseconds, but each holds whole UTC days, so every row of a day's file falls
 * in one period.
 */
public enum CalendarUnit {
  WEEK,
  MONTH,
  QUARTER,
  YEAR;

  /** The start of the period holding a timestamp, both in epoch milliseconds. */
  public long floor(long millis) {
    LocalDate day = LocalDate.ofEpochDay(PartitionPath.epochDay(millis));
    LocalDate start = switch (this) {
      // DayOfWeek runs from Monday (1) to Sunday (7).
      case WEEK -> day.minusDays(day.getDayOfWeek().getValue() % 7);
      case MONTH -> day.withDayOfMonth(1);
      case QUARTER -> LocalDate.of(day.getYear(), (day.getMonthValue() - 1) / 3 * 3 + 1, 1);
      case YEAR -> LocalDate.of(day.getYear(), 1, 1);
    };
    return start.toEpochDay() * PartitionPath.MILLIS_PER_DAY;
  }
}
