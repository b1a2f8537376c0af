package org.annals.storage.event;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An event or batch that breaks a validation rule: a bad stream name, type, JSON or id. */
public class InvalidEventException extends AppendRejectedException {
  private static final long serialVersionUID = 1L;
  private static final Pattern EVENT_PREFIX = Pattern.compile("^event (\\d+): ");

  public InvalidEventException(String message) {
    super(message);
  }

  /** The start of a message about one event of a batch, by its index: "event 3: ". */
  public static String about(int eventIndex) {
    return "event " + eventIndex + ": ";
  }

  /**
   * Reads back what {@link #about} wrote, for a caller that knows where each event came from
   * (the import tool names the line); null if the message is about the batch as a whole.
   */
  public static Located locate(String message) {
    Matcher m = EVENT_PREFIX.matcher(message);
    return m.find() ? new Located(Integer.parseInt(m.group(1)), message.substring(m.end())) : null;
  }

  /** A message split into the event it is about and what it says of that event. */
  public record Located(int eventIndex, String rest) {}
}
