package org.annals.storage.scan;

import java.io.IOException;

/**
 * A committed Parquet file could not be read: its bytes fail a page checksum, a header or its
 * footer does not decode, or it is missing. The message names the file relative to the data
 * folder (never an absolute path) and the way out; the store goes on serving what does not read
 * the file, and lists it as damaged ({@link ParquetFiles#damaged()}).
 */
public final class DamagedFileException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String path;
  private final String reason;

  DamagedFileException(String path, String reason, Throwable cause) {
    super("the data file " + path + " is damaged (" + reason + "): restore it from a backup of the data folder;"
        + " what does not read it is still served", cause);
    this.path = path;
    this.reason = reason;
  }

  /** What was wrong with the file. */
  public String reason() {
    return reason;
  }

  /** The file, relative to the data folder. */
  public String path() {
    return path;
  }
}
