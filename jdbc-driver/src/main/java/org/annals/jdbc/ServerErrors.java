package org.annals.jdbc;

import java.io.IOException;
import java.sql.SQLException;
import javax.net.ssl.SSLException;
import java.sql.SQLTimeoutException;
import java.util.List;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSeverity;
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

  /**
   * The server refused the request at the HTTP level, before any JDBC work: a wrong user or
   * password (401), a request it does not accept from this client (403), one too large (413), or
   * one it could not read (400, as a plain request to an HTTPS port is), or the TLS handshake
   * failed. Avatica's client keeps only the status, so the message says what each usually means.
   * Null for any other failure.
   */
  static AvaticaClientRuntimeException httpRefusal(RuntimeException e) {
    String text = e.getMessage() == null ? "" : e.getMessage();
    if (text.endsWith("HTTP/401")) {
      return refusal("the server refused the user name and password (HTTP 401): give those of a user made"
          + " with 'annals user add' (JDBC: the properties user and password; annals sql: --user, with the password"
          + " in ANNALS_PASSWORD or at the prompt)", "28000");
    }
    if (text.endsWith("HTTP/403")) {
      return refusal("the server refused this client (HTTP 403): a server on a loopback address answers"
          + " only URLs that name it by a loopback address or localhost", "08004");
    }
    if (text.endsWith("HTTP/413")) {
      return refusal("the request is larger than the server accepts (its --max-request-bytes): send long"
          + " lists of values as a prepared statement's parameters, or in several statements", "54000");
    }
    if (text.endsWith("HTTP/400")) {
      return refusal("the server could not read the request (HTTP 400); if it serves HTTPS, add ssl=true to"
          + " the URL", "08001");
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return refusal("the TLS handshake with the server failed: " + t.getMessage() + ". If the server's"
            + " certificate is your own, name a trust store that holds it with the connection properties truststore and"
            + " truststore_password (or the JVM's -Djavax.net.ssl.trustStore); if the server speaks plain HTTP, leave"
            + " ssl=true out of the URL", "08001");
      }
    }
    return null;
  }

  private static AvaticaClientRuntimeException refusal(String message, String sqlState) {
    return new AvaticaClientRuntimeException(message, -1, sqlState, AvaticaSeverity.ERROR, List.of(), null);
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
