package org.annals.storage.event;

/**
 * Read access to one event's columns wherever the event currently lives (a memtable chunk, a
 * Parquet row group being decoded). Predicates, Parquet writing and Arrow batch building all work
 * through it, so each of those is written once for every source.
 */
public interface EventRow {
  boolean isNull(EventColumn column);

  /** The value of a LONG or TIMESTAMP_MILLIS column; undefined when the column is null. */
  long getLong(EventColumn column);

  /** The UTF-8 bytes of a STRING or JSON column, or null when null. Callers must not modify them. */
  byte[] getBytes(EventColumn column);

  /**
   * Whether a STRING or JSON column holds exactly these UTF-8 bytes (false when null). A source
   * that can compare in place overrides this, so a predicate allocates nothing per row.
   */
  default boolean bytesEqual(EventColumn column, byte[] utf8) {
    byte[] value = getBytes(column);
    return value != null && java.util.Arrays.equals(value, utf8);
  }

  /**
   * Whether a STRING or JSON column starts with these UTF-8 bytes (false when null), compared in
   * place where {@link #bytesEqual} is.
   */
  default boolean bytesStartWith(EventColumn column, byte[] prefix) {
    byte[] value = getBytes(column);
    return value != null && value.length >= prefix.length
        && java.util.Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * Copies the UTF-8 bytes of a non-null STRING or JSON column to the start of {@code into} if
   * they fit, and returns their length either way; a caller given a length beyond its array
   * retries with a larger one. Lets a writer reuse one buffer instead of an array per value.
   */
  default int copyBytes(EventColumn column, byte[] into) {
    byte[] value = getBytes(column);
    if (value.length <= into.length) {
      System.arraycopy(value, 0, into, 0, value.length);
    }
    return value.length;
  }
}
