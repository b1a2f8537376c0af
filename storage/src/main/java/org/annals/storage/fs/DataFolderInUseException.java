package org.annals.storage.fs;

import java.io.IOException;

/** Another store holds the data folder's lock. */
public final class DataFolderInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  public DataFolderInUseException(String message) {
    super(message);
  }
}
