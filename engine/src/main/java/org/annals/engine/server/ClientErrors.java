package org.annals.engine.server;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.annals.engine.sql.SqlErrors;
import org.annals.storage.scan.DamagedFileException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns any failure inside the server into what a JDBC client may see: the message and SQLState of
 * the innermost SQL error (the reason Annals gave, where Calcite wrapped it: {@link SqlErrors#reason}),
 * a data exception's state (class 22) for a value a function could not take, and no stack trace
 * (Avatica would otherwise send the server's whole trace to the client). Stateless.
 */
final class ClientErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ClientErrors.class);
  /** SQLState for failures with no state of their own: general error. */
  static final String GENERAL = "HY000";
  private static final String NOT_A_NUMBER = "22018";
  private static final String DIVISION_BY_ZERO = "22012";
  /** PostgreSQL's data_corrupted. */
  private static final String DATA_CORRUPTED = "XX001";
  private static final Pattern EVALUATED = Pattern.compile("(?s)^Exception ([\\w.$]+): (.*?)(?: \\[in thread \"[^\"]*\"])?$");
  /** Connection does not exist. */
  private static final String CONNECTION_CLOSED = "08003";

  private ClientErrors() {}

  static RuntimeException toClient(Throwable e) {
    if (e instanceof Traceless already) {
      return already;
    }
    String state = null;
    String message = null;
    int code = -1;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DamagedFileException damaged) {
        return new Traceless(damaged.getMessage(), -1, DATA_CORRUPTED);
      }
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
    if (message == null && e instanceof NoSuchConnectionException) {
      message = "this connection is closed: it was closed, or went unused longer than the server's idle timeout"
          + " (--idle-timeout); open a new one";
      state = CONNECTION_CLOSED;
    }
    String cause = null;
    if (message == null) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
      cause = root.getClass().getName();
    }
    // Calcite reports an error of a constant it evaluates while planning by the exception's name
    // and the planning thread's: "Exception java.lang.ArithmeticException: / by zero [in thread ...]".
    Matcher wrapped = EVALUATED.matcher(message);
    if (wrapped.matches()) {
      cause = wrapped.group(1);
      message = wrapped.group(2);
    }
    if (cause != null && (state == null || GENERAL.equals(state))) {
      state = dataError(cause, message);
      if (DIVISION_BY_ZERO.equals(state)) {
        message = "division by zero";
      } else if (NOT_A_NUMBER.equals(state)) {
        message = "a value cannot be read as a number: " + message;
      } else if (state == null) {
        // Not the client's mistake but the server's: the client gets an id to report, the log the
        // trace and the message, which may name the server's files.
        message = "the server failed on this request" + ErrorIds.logged(LOG, "a request failed unexpectedly", e);
      }
    }
    return new Traceless(message, code, state == null ? GENERAL : state);
  }

  /**
   * The SQLState (class 22, data exception) of a value a function could not take, which Calcite's
   * runtime reports as a plain Java exception; null for any other failure.
   */
  private static String dataError(String exception, String message) {
    if (exception.equals(NumberFormatException.class.getName())) {
      return NOT_A_NUMBER;
    }
    if (exception.equals(ArithmeticException.class.getName()) && message.contains("by zero")
        || message.startsWith("Division undefined")) {
      return DIVISION_BY_ZERO;
    }
    if (message.startsWith("Cannot take logarithm")) {
      return "2201E";
    }
    if (message.contains(" field is out of range")) {
      return "22008";
    }
    if (message.startsWith("Invalid escape")) {
      return "22025";
    }
    if (message.startsWith("Invalid DATE value") || message.startsWith("Invalid TIMESTAMP value")
        || message.startsWith("Invalid TIME value")) {
      return "22007";
    }
    if (message.startsWith("Substring error")) {
      return "22011";
    }
    return null;
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
