package org.annals.storage.scan;

import java.io.IOException;
import org.annals.storage.manifest.DataFile;
import org.apache.parquet.ParquetRuntimeException;

/**
 * Reads the matching rows of one Parquet file for a scan, through {@link ParquetRowGroups}: the
 * file is opened only when first asked for rows, and only if a row group may match. Not
 * thread-safe.
 */
final class ParquetFileSource implements RowSource {
  private final ScanSpec spec;
  private final ScanSpec.Encoded encoded;
  private final ScanStats stats;
  private final ParquetRowGroups groups;
  private long rowsLeftInGroup;
  private boolean done;

  ParquetFileSource(java.nio.file.Path folder, DataFile file, ScanSpec spec, ScanSpec.Encoded encoded,
      ParquetFiles files, ScanStats stats) {
    this.spec = spec;
    this.encoded = encoded;
    this.stats = stats;
    this.groups = new ParquetRowGroups(folder, file, spec, spec.neededColumns(), files, stats);
  }

  @Override
  public boolean fill(BatchBuilder batch) throws IOException {
    try {
      return fillFromFile(batch);
    } catch (IOException | ParquetRuntimeException e) {
      // Pages decode as their values are read, so a damaged page can fail here too.
      throw groups.readFailure(e);
    }
  }

  private boolean fillFromFile(BatchBuilder batch) throws IOException {
    while (!batch.isFull()) {
      if (rowsLeftInGroup == 0) {
        if (done || !groups.next()) {
          done = true;
          return true;
        }
        rowsLeftInGroup = groups.rows();
      }
      ParquetRowGroups.ColumnRow row = groups.row();
      while (rowsLeftInGroup > 0 && !batch.isFull()) {
        stats.fileRowsDecoded++;
        if (spec.test(row, encoded)) {
          batch.add(row);
          stats.rowsReturned++;
        }
        row.consume();
        rowsLeftInGroup--;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    groups.close();
  }
}
