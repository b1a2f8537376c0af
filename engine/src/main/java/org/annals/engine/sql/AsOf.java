package org.annals.engine.sql;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * The moment in the log a connection reads, set by its {@code as_of} property: every events
 * table then holds only the events up to a global_seq, or those recorded up to an instant, as the
 * store stood then. The log is append-only and recorded_at never goes back, so either bound keeps
 * a prefix of the log, the same events a replay up to that point would have seen (less those
 * retention or erasure have removed since).
 *
 * @param lastGlobalSeq the newest global_seq there is, inclusive
 * @param lastRecordedAt the newest recorded_at there is, inclusive, epoch milliseconds (UTC)
 */
public record AsOf(long lastGlobalSeq, long lastRecordedAt) {
  /** The store as it is: no bound. */
  public static final AsOf NOW = new AsOf(Long.MAX_VALUE, Long.MAX_VALUE);

  /** What {@link #parse} takes, for error messages and the README. */
  public static final String FORMS = "a global_seq (a whole number from 0: the events up to and including it)"
      + " or a UTC timestamp such as 2026-11-30 12:00:00, 2026-11-30T12:00:00.250 or 2026-11-30T12:00:00Z"
      + " (the events recorded at or before it)";

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

  /**
   * Reads a property's value.
   *
   * @throws IllegalArgumentException naming what is allowed, if the value is neither form
   */
  public static AsOf parse(String value) {
    String v = value.trim();
    if (DIGITS.matcher(v).matches()) {
      return new AsOf(Long.parseLong(v), Long.MAX_VALUE);
    }
    try {
      return new AsOf(Long.MAX_VALUE, instant(v).toEpochMilli());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("'" + value + "' is neither; it takes " + FORMS);
    }
  }

  private static Instant instant(String v) {
    String iso = v.replace(' ', 'T');
    try {
      return OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeException noOffset) {
      return LocalDateTime.parse(iso, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
    }
  }

  /** The bound as a person reads it: "global_seq 41" or "2026-11-30T12:00:00Z". */
  public String describe() {
    return lastGlobalSeq != Long.MAX_VALUE ? "global_seq " + lastGlobalSeq : Instant.ofEpochMilli(lastRecordedAt).toString();
  }

  public boolean now() {
    return lastGlobalSeq == Long.MAX_VALUE && lastRecordedAt == Long.MAX_VALUE;
  }
}
