package org.annals.storage.event;

/** An event or a batch over the configured size limits. */
public final class EventTooLargeException extends InvalidEventException {
  private static final long serialVersionUID = 1L;

  public EventTooLargeException(String message) {
    super(message);
  }
}
