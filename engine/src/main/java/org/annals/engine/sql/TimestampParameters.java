package org.annals.engine.sql;

import java.util.Calendar;
import java.util.Date;

/** How a value bound to a TIMESTAMP {@code ?} (or a timestamp literal) arrives at a scan. Stateless. */
final class TimestampParameters {
  private TimestampParameters() {}

  /**
   * The value's milliseconds since the epoch, or null if it is no timestamp: a timestamp arrives
   * as its milliseconds (a Long), a DATE as an Integer count of days, which must not be taken for
   * milliseconds.
   */
  static Long millis(Object v) {
    if (v instanceof Long millis) {
      return millis;
    }
    if (v instanceof Date d) {
      return d.getTime();
    }
    if (v instanceof Calendar c) {
      return c.getTimeInMillis();
    }
    return null;
  }
}
