package org.annals.engine.sql;

import java.util.List;
import org.annals.storage.StoreFailedException;
import org.annals.storage.event.AppendRejectedException;
import org.annals.storage.event.StreamDamagedException;
import org.annals.storage.event.EventTooLargeException;
import org.annals.storage.event.WrongExpectedVersionException;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.AvaticaSqlException;

/**
 * The SQLStates Annals reports, and exceptions that carry them out of Calcite: Avatica turns an
 * {@link AvaticaClientRuntimeException} into an SQLException with the same state, in process and
 * over the wire alike. Stateless.
 */
public final class SqlErrors {
  /** Serialization failure: an expected version did not hold. */
  public static final String VERSION_CONFLICT = "40001";
  /** Invalid parameter value: an event broke a validation rule. */
  public static final String INVALID_EVENT = "22023";
  /** Program limit exceeded: an event or batch over the size limits, SQL text over its limit. */
  public static final String TOO_LARGE = "54000";
  /** Feature not supported: UPDATE, DELETE, MERGE, DDL. */
  public static final String NOT_SUPPORTED = "0A000";
  /** Invalid schema name: a schema that does not exist. */
  public static final String INVALID_SCHEMA = "3F000";
  /** Syntax error or access rule violation: bad SQL, unknown table or column. */
  public static final String SYNTAX_ERROR = "42000";
  /** Invalid parameter value: a {@code ?} value that cannot be compared with its column. */
  public static final String INVALID_PARAMETER = "22023";
  /** Numeric value out of range: a BIGINT sum past 2^63. */
  public static final String OUT_OF_RANGE = "22003";
  /** Query canceled: the statement was cancelled while it ran. */
  public static final String CANCELLED = "57014";
  /** Operator intervention, admin shutdown (PostgreSQL's code): the server is stopping. */
  public static final String SHUTTING_DOWN = "57P01";
  /** I/O error: the store has failed and accepts no appends. */
  public static final String STORE_FAILED = "58030";
  /** Read-only SQL transaction: an append on a connection that reads the past ({@code as_of}). */
  public static final String READ_ONLY = "25006";
  /** Insufficient privilege (PostgreSQL's code): the connection's roles do not allow the statement. */
  public static final String INSUFFICIENT_PRIVILEGE = "42501";
  /** Invalid authorization specification: another user's connection. */
  public static final String INVALID_AUTHORIZATION = "28000";
  /** Too many connections (PostgreSQL's code): the server's or a user's limit. */
  public static final String TOO_MANY_CONNECTIONS = "53300";
  /** Configuration limit exceeded (PostgreSQL's code): too many statements on a connection. */
  public static final String CONFIGURATION_LIMIT = "53400";
  /** Statement too complex (PostgreSQL's code): nested or large beyond what the planner takes. */
  public static final String TOO_COMPLEX = "54001";

  private static final String REASON = "reason: ";

  private SqlErrors() {}

  /**
   * An error with its state and message. The message is also its one "server exception", marked
   * as a reason: Calcite wraps a failure to prepare a statement in an exception of its own
   * ("Error while preparing statement [sql]") that keeps the state and these server exceptions
   * but drops the message, which is the only thing that says what was wrong ({@link #reason}).
   */
  public static AvaticaClientRuntimeException of(String sqlState, String message) {
    return new AvaticaClientRuntimeException(message, -1, sqlState, AvaticaSeverity.ERROR,
        List.of(REASON + message), null);
  }

  /** The reason an error made by {@link #of} gave, wherever it is wrapped, or null if none. */
  public static String reason(AvaticaSqlException e) {
    List<String> traces = e.getStackTraces();
    return traces.size() == 1 && traces.get(0).startsWith(REASON) ? traces.get(0).substring(REASON.length()) : null;
  }

  /** A statement stopped by its timeout while storage was reading for it. */
  static AvaticaClientRuntimeException timedOut(long timeoutMillis) {
    return of(CANCELLED, "the query ran longer than its timeout of " + timeoutMillis / 1000.0 + " s and was stopped;"
        + " the connection property query_timeout (seconds) and the server's --query-timeout set the limit");
  }

  /** A statement cancelled while it ran (Statement.cancel(), a client's query timeout). */
  public static AvaticaClientRuntimeException cancelled() {
    return of(CANCELLED, "the statement was cancelled");
  }

  public static AvaticaClientRuntimeException immutable(String operation) {
    return of(NOT_SUPPORTED, operation + " is not supported: events are immutable; append new"
        + " events with INSERT instead");
  }

  /** Maps a storage rejection or failure to the matching SQLState. */
  static AvaticaClientRuntimeException fromStorage(RuntimeException e) {
    if (e instanceof WrongExpectedVersionException) {
      return of(VERSION_CONFLICT, e.getMessage());
    }
    if (e instanceof EventTooLargeException) {
      return of(TOO_LARGE, e.getMessage());
    }
    if (e instanceof StreamDamagedException) {
      return of(STORE_FAILED, e.getMessage());
    }
    if (e instanceof AppendRejectedException) {
      return of(INVALID_EVENT, e.getMessage());
    }
    if (e instanceof StoreFailedException) {
      return of(STORE_FAILED, e.getMessage());
    }
    throw e;
  }
}
