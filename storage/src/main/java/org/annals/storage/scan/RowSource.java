package org.annals.storage.scan;

import java.io.IOException;

/** One place a scan reads rows from: a Parquet file or a pinned memtable chunk. */
interface RowSource extends AutoCloseable {
  /**
   * Adds matching rows to the batch until it is full or this source is exhausted.
   *
   * @return true when the source has no more rows
   */
  boolean fill(BatchBuilder batch) throws IOException;

  @Override
  void close() throws IOException;
}
