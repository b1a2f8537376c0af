package org.annals.jdbc;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSqlException;

/**
 * The server's errors as the application sees them: the server's message, SQLState and code,
 * without the "Error -1 (42000) : Error while executing SQL ...: Remote driver error: " that
 * Avatica's client wraps them in (once or twice, depending on the call). Stateless.
 */
final class ServerErrors {
  /** How Avatica's client starts the text of every error the server sends. */
  private static final String REMOTE = "Remote driver error: ";
  private static final String TIMED_OUT = "57014";
  /** How the server says a statement ran past its own limit (rather than being cancelled). */
  private static final String SERVER_LIMIT = "ran longer than its timeout";

  private ServerErrors() {}

  static SQLException of(AvaticaClientRuntimeException e) {
    return of(serverMessage(e.getMessage()), e.getSqlState(), e.getErrorCode(), e);
  }

  /** An error from the server unwrapped, any other error as it is. */
  static SQLException of(SQLException e) {
    if (e instanceof AvaticaSqlException remote) {
      return of(serverMessage(remote.getErrorMessage()), remote.getSQLState(), remote.getErrorCode(), remote);
    }
    return e;
  }

  /**
   * The server could not be reached, or stopped answering, while a statement ran: SQLState 08006
   * (connection failure), with the transport's reason.
   */
  static SQLException unreachable(String url, RuntimeException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new SQLException("the server at " + url + " could not be reached or stopped answering: "
        + cause.getMessage(), "08006", e);
  }

  /** Whether the failure is the HTTP transport's (refused, reset, timed out), not the server's answer. */
  static boolean transportFailed(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** A statement the server stopped at its own time limit is a timeout, as JDBC names it. */
  private static SQLException of(String message, String state, int code, Exception cause) {
    return TIMED_OUT.equals(state) && message != null && message.contains(SERVER_LIMIT)
        ? new SQLTimeoutException(message, state, code, cause)
        : new SQLException(message, state, code, cause);
  }

  private static String serverMessage(String text) {
    int at = text == null ? -1 : text.indexOf(REMOTE);
    return at < 0 ? text : text.substring(at + REMOTE.length());
  }
}
