package org.annals.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.annals.storage.compaction.MergedRows;
import org.annals.storage.fs.Closeables;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.parquet.PartitionFileWriter;
import org.annals.storage.scan.FileRows;
import org.annals.storage.scan.ParquetFiles;

/**
 * Writes the rows of committed files of one partition as one new file, in file order, with one
 * entity's rows left out or none: what a compaction writes, and an erasure. The new file is not
 * part of the store until a manifest lists it. Thread-safe.
 */
final class MergedFileWriter {
  private final DataFolder folder;
  private final PartitionFileWriter writer;
  private final ParquetFiles files;

  MergedFileWriter(DataFolder folder, PartitionFileWriter writer, ParquetFiles files) {
    this.folder = folder;
    this.writer = writer;
    this.files = files;
  }

  /**
   * @param rows how many rows the new file holds: the inputs' less those of {@code without}
   * @param without the UTF-8 id of the entity whose rows are left out, or null
   * @param stop asked every few thousand rows; once true, the write stops with a
   *     {@link CancellationException} and leaves no file
   * @throws IOException naming an input that cannot be read, or the new file that could not be
   *     written; no new file is left behind
   */
  DataFile write(List<DataFile> inputs, long rows, byte[] without, BooleanSupplier stop) throws IOException {
    DataFile first = inputs.get(0);
    List<FileRows> readers = new ArrayList<>(inputs.size());
    try {
      for (DataFile f : inputs) {
        readers.add(new FileRows(folder.root(), f, files));
      }
      MergedRows merged = new MergedRows(readers, rows, without, stop);
      DataFile out;
      try {
        out = writer.write(first.streamName(), first.date(), merged, (int) rows);
      } catch (IOException e) {
        throw unwrapped(e);
      }
      try {
        merged.checkAllRead();
      } catch (IOException e) {
        Files.deleteIfExists(folder.resolve(out.path()));
        throw e;
      }
      return out;
    } finally {
      Closeables.closeAll(readers);
    }
  }

  /**
   * What the merge threw, which the writer wraps: a stop, or a read failure that names the input
   * file.
   */
  private static IOException unwrapped(IOException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof CancellationException c) {
        throw c;
      }
      if (t instanceof UncheckedIOException u) {
        return u.getCause();
      }
    }
    return e;
  }
}
