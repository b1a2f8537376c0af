package org.annals.storage.event;

/**
 * An append the store refused before storing anything. The message says what was wrong and what
 * is allowed; the store is unchanged.
 */
public abstract class AppendRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected AppendRejectedException(String message) {
    super(message);
  }
}
