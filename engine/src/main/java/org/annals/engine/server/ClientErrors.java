package org.annals.engine.server;

import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.annals.engine.sql.SqlErrors;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;

/**
 * Turns any failure inside the server into what a JDBC client may see: the message and SQLState of
 * the innermost SQL error (the reason Annals gave, where Calcite wrapped it: {@link SqlErrors#reason}),
 * and no stack trace (Avatica would otherwise send the server's whole
 * trace to the client). Stateless.
 */
final class ClientErrors {
  /** SQLState for failures with no state of their own: general error. */
  static final String GENERAL = "HY000";

  private ClientErrors() {}

  static RuntimeException toClient(Throwable e) {
    if (e instanceof Traceless already) {
      return already;
    }
    String state = null;
    String message = null;
    int code = -1;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AvaticaClientRuntimeException a) {
        state = a.getSqlState();
        message = a.getMessage();
        code = a.getErrorCode();
      } else if (t instanceof SQLException s && s.getSQLState() != null && state == null) {
        state = s.getSQLState();
        String reason = s instanceof AvaticaSqlException a ? SqlErrors.reason(a) : null;
        message = reason != null ? reason : s.getMessage();
        code = s.getErrorCode();
      }
    }
    if (message == null) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
    return new Traceless(message, code, state == null ? GENERAL : state);
  }

  /** An error reply without the server's stack: Avatica prints the exception it is given. */
  private static final class Traceless extends AvaticaRuntimeException {
    private static final long serialVersionUID = 1L;

    Traceless(String message, int code, String state) {
      super(message, code, state, AvaticaSeverity.ERROR);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
