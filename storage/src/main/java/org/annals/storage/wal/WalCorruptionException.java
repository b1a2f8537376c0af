package org.annals.storage.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A log record that is damaged where damage cannot be a torn write: before the tail, or in a
 * segment that is not the last. Recovery refuses to guess and stops; the message names the file
 * and the byte offset, and the ways out.
 */
public final class WalCorruptionException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Path file;
  private final long offset;

  public WalCorruptionException(Path file, long offset, String problem) {
    super("WAL corruption in " + file + " at byte offset " + offset + ": " + problem
        + "; acknowledged events may follow it, so the store will not open. Put the segment back as it was (a"
        + " copy of the data folder taken before the damage) and open again; to open without the events from"
        + " there on, cut the segment at that offset (truncate -s " + offset + " " + file + "), delete the"
        + " segments after it, wal/HEAD, wal/DURABLE and the files in the memtable folder");
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
