package org.annals.storage.event;

/** An event or batch that breaks a validation rule: a bad stream name, type, JSON or id. */
public class InvalidEventException extends AppendRejectedException {
  private static final long serialVersionUID = 1L;

  public InvalidEventException(String message) {
    super(message);
  }
}
