package org.annals.engine.server;

import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;

/**
 * Ties a failure the server did not expect to the line of its log that holds the details: the
 * client's message carries a short random id, and the log line carries the same id with the
 * stack trace, which the client never sees. Stateless.
 */
final class ErrorIds {
  private ErrorIds() {}

  /** Logs a failure under a new id and returns what to append to the client's message. */
  static String logged(Logger log, String what, Throwable failure) {
    String id = String.format("%08x", ThreadLocalRandom.current().nextInt());
    log.error("[error {}] {}", id, what, failure);
    return " (error id " + id + "; the server's log has the details)";
  }
}
