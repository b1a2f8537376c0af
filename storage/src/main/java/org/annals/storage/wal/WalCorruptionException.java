package org.annals.storage.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A log record that is damaged where damage cannot be a torn write: before the tail, or in a
 * segment that is not the last. Recovery refuses to guess and stops; the message names the file
 * and the byte offset so an operator can inspect it.
 */
public final class WalCorruptionException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Path file;
  private final long offset;

  public WalCorruptionException(Path file, long offset, String problem) {
    super("WAL corruption in " + file + " at byte offset " + offset + ": " + problem
        + "; acknowledged events may follow it, so the store will not open until the segment is"
        + " repaired or restored");
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
