package org.annals.jdbc;

import java.sql.SQLException;
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

  private ServerErrors() {}

  static SQLException of(AvaticaClientRuntimeException e) {
    return new SQLException(serverMessage(e.getMessage()), e.getSqlState(), e.getErrorCode(), e);
  }

  /** An error from the server unwrapped, any other error as it is. */
  static SQLException of(SQLException e) {
    if (e instanceof AvaticaSqlException remote) {
      return new SQLException(serverMessage(remote.getErrorMessage()), remote.getSQLState(), remote.getErrorCode(),
          remote);
    }
    return e;
  }

  private static String serverMessage(String text) {
    int at = text == null ? -1 : text.indexOf(REMOTE);
    return at < 0 ? text : text.substring(at + REMOTE.length());
  }
}
