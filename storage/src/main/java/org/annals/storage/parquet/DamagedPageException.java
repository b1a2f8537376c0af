package org.annals.storage.parquet;

import java.io.IOException;

/** A page whose bytes cannot be what was written: its compressed data or its stated size is impossible. */
public final class DamagedPageException extends IOException {
  private static final long serialVersionUID = 1L;

  DamagedPageException(String message, Throwable cause) {
    super(message, cause);
  }
}
