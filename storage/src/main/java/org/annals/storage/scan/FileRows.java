package org.annals.storage.scan;

import java.io.Closeable;
import java.io.IOException;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.annals.storage.manifest.DataFile;
import org.apache.parquet.ParquetRuntimeException;

/**
 * Every row of one committed file, every column, in the order the file keeps them (entity_id,
 * version, seq): what a compaction merges. One row group is held in memory at a time. Not
 * thread-safe.
 */
public final class FileRows implements Closeable {
  private final DataFile file;
  private final ParquetRowGroups groups;
  private long leftInGroup;
  private long remaining;
  private boolean started;

  /**
   * @param folder the data folder
   * @param file the file, as the manifest lists it
   */
  public FileRows(java.nio.file.Path folder, DataFile file, ParquetFiles files) {
    this.file = file;
    this.groups = new ParquetRowGroups(folder, file, ScanSpec.all(), EventColumn.ALL, files, new ScanStats());
    this.remaining = file.rows();
  }

  /**
   * Moves to the next row (the first, on the first call); the previous row's view is then gone.
   *
   * @return false when no row is left
   * @throws IOException naming the file if it cannot be read ({@link DamagedFileException} if its
   *     bytes are wrong, a row count unlike the manifest's included)
   */
  public boolean next() throws IOException {
    try {
      if (started && leftInGroup > 0) {
        groups.row().consume();
        leftInGroup--;
      }
      started = true;
      while (leftInGroup == 0) {
        if (!groups.next()) {
          if (remaining != 0) {
            throw new DamagedFileException(file.path(), "the file holds " + (file.rows() - remaining)
                + " rows but the manifest lists " + file.rows(), null);
          }
          return false;
        }
        leftInGroup = groups.rows();
      }
      if (remaining-- == 0) {
        throw new DamagedFileException(file.path(), "the file holds more rows than the " + file.rows()
            + " the manifest lists", null);
      }
      return true;
    } catch (IOException | ParquetRuntimeException e) {
      throw groups.readFailure(e);
    }
  }

  /** The current row: valid until the next call to {@link #next()}. */
  public EventRow row() {
    return groups.row();
  }

  @Override
  public void close() throws IOException {
    groups.close();
  }
}
