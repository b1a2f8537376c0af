package org.annals.engine.sql;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The rows of a storage scan as the Arrow batches they are read into, for a reader that writes
 * them out without making Java objects of each value (the server's result frames). A row of the
 * scan is the first {@link Run#columns} vectors of its batch: VARCHAR, BIGINT and TIMESTAMP
 * (milliseconds, UTC) columns. A reader holds the scan's monitor ({@code synchronized (scan)})
 * from {@link #run} until it has consumed what it read: closing the scan takes the same monitor,
 * so its batches are never freed under a reader. Not thread-safe otherwise.
 */
public interface ScanRows {
  /**
   * The unread rows of one batch, rows {@code from} (inclusive) to {@code to} (exclusive), valid
   * until the next call; null once the scan is over. Reading moves on only by {@link #consume}.
   *
   * @throws IllegalStateException if the scan was closed
   */
  Run run();

  /** Marks the first {@code rows} rows of the last {@link #run} as read. */
  void consume(int rows);

  /** A stretch of unread rows in one batch. */
  record Run(VectorSchemaRoot batch, int from, int to, int columns) {}
}
