package org.annals.storage.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Timestamps floor to the UTC midnight that starts their week (a Sunday), month, quarter and year. */
class CalendarUnitTest {
  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  private static void floors(CalendarUnit unit, String value, String start) {
    assertEquals(at(start), unit.floor(at(value)), unit + " of " + value);
  }

  @Test
  void eachPeriodStartsAtTheMidnightCalciteFloorsTo() {
    floors(CalendarUnit.WEEK, "2026-10-15T10:00:00Z", "2026-10-11T00:00:00Z");
    floors(CalendarUnit.WEEK, "2026-10-11T00:00:00Z", "2026-10-11T00:00:00Z");
    floors(CalendarUnit.WEEK, "2026-10-10T23:59:59.999Z", "2026-10-04T00:00:00Z");
    floors(CalendarUnit.WEEK, "1969-12-31T10:00:00Z", "1969-12-28T00:00:00Z");
    floors(CalendarUnit.MONTH, "2026-10-31T23:59:59.999Z", "2026-10-01T00:00:00Z");
    floors(CalendarUnit.MONTH, "2024-02-29T12:00:00Z", "2024-02-01T00:00:00Z");
    floors(CalendarUnit.QUARTER, "2026-10-15T10:00:00Z", "2026-10-01T00:00:00Z");
    floors(CalendarUnit.QUARTER, "2026-09-30T23:59:59.999Z", "2026-07-01T00:00:00Z");
    floors(CalendarUnit.QUARTER, "1969-02-01T00:00:00Z", "1969-01-01T00:00:00Z");
    floors(CalendarUnit.YEAR, "2026-12-31T23:59:59.999Z", "2026-01-01T00:00:00Z");
    floors(CalendarUnit.YEAR, "1969-06-01T00:00:00.001Z", "1969-01-01T00:00:00Z");
  }
}
