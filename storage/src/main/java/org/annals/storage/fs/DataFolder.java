package org.annals.storage.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things live inside a data folder:
 *
 * <pre>
 * &lt;data&gt;/LOCK                                                  held while a store has it open
 * &lt;data&gt;/wal/&lt;first global_seq, 20 digits&gt;.wal                  log segments
 * &lt;data&gt;/events/stream_name=&lt;s&gt;/date=&lt;yyyy-mm-dd&gt;/&lt;id&gt;.parquet  flushed events
 * &lt;data&gt;/manifest/&lt;version, 20 digits&gt;.json                   committed file lists
 * &lt;data&gt;/memtable/&lt;first global_seq&gt;-&lt;rows&gt;.chunk              copies of unflushed chunks
 * </pre>
 *
 * Immutable.
 */
public record DataFolder(Path root) {
  public DataFolder {
    root = root.toAbsolutePath().normalize();
  }

  /**
   * Throws unless the folder is a data folder already (a store has opened it): for readers that
   * must not create one where a mistyped path points.
   */
  public void requireExisting() throws IOException {
    if (!Files.isDirectory(wal()) || !Files.isDirectory(manifests())) {
      throw new IOException(root + " is not an Annals data folder (it has no wal/ and manifest/ folders)");
    }
  }

  public Path wal() {
    return root.resolve("wal");
  }

  public Path events() {
    return root.resolve("events");
  }

  public Path manifests() {
    return root.resolve("manifest");
  }

  /** Copies of the memtable's sealed chunks, for a quick restart; the WAL stays the record. */
  public Path memtable() {
    return root.resolve("memtable");
  }

  public Path lockFile() {
    return root.resolve("LOCK");
  }

  /** A path stored in a manifest is relative to the root, with '/' separators. */
  public Path resolve(String relativePath) {
    return root.resolve(relativePath);
  }

  public String relativize(Path file) {
    return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }
}
