package org.annals.storage;

/**
 * The store stopped accepting appends because a write or fsync of the log failed. After a failed
 * fsync the kernel may have dropped the unwritten pages, so retrying could acknowledge events that
 * are not on disk; the store is fenced instead. Reopen the data folder to recover from the log.
 */
public final class StoreFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
