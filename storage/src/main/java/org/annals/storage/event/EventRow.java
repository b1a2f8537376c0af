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
}
