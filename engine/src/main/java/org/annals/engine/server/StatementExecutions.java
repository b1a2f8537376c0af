package org.annals.engine.server;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.annals.engine.sql.SqlErrors;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.jdbc.StatementInfo;

/**
 * Which execution of each statement is running, so that a cancel stops the execution it was
 * meant for. A cancel travels beside a connection's requests ({@link CancelHandler}), so it may
 * arrive before the execution it names (that execution waited in the client's line, or was
 * overtaken on the wire) or after it (a timer that fired as it ended): the first is kept and
 * applied when that execution starts, the second ignored. Executions are numbered from 1 per
 * statement, as the thin driver numbers those it sends. Once the server stops, every execution
 * is refused. Thread-safe.
 */
final class StatementExecutions {
  /** A statement's running execution and the latest later one a cancel named. */
  private static final class Numbers {
    int current;
    int cancelled;
  }

  /** By JdbcMeta's record of the statement, weakly: a statement it lets expire takes its entry. */
  private final Map<StatementInfo, Numbers> statements = Collections.synchronizedMap(new WeakHashMap<>());
  private volatile boolean stopping;

  /**
   * An execution of the statement starts: its cancel flag is set if a cancel for it came first,
   * and cleared of any cancel of an earlier one (Calcite never clears it).
   */
  void begin(StatementInfo statement, AtomicBoolean flag) {
    if (stopping) {
      throw stopped();
    }
    Numbers numbers = statements.computeIfAbsent(statement, s -> new Numbers());
    synchronized (numbers) {
      numbers.current++;
      flag.set(numbers.cancelled == numbers.current);
    }
  }

  /**
   * Cancels the statement's execution {@code execution}, or its current one if 0: now if it is
   * running, when it starts if it has not yet.
   *
   * @return false if that execution has already ended
   */
  boolean cancel(StatementInfo statement, AtomicBoolean flag, int execution) {
    Numbers numbers = statements.computeIfAbsent(statement, s -> new Numbers());
    synchronized (numbers) {
      int target = execution == 0 ? numbers.current : execution;
      if (target < numbers.current) {
        return false;
      }
      if (target == numbers.current) {
        flag.set(true);
      } else {
        numbers.cancelled = Math.max(numbers.cancelled, target);
      }
      return true;
    }
  }

  /** The server is stopping: no execution starts from now on. */
  void stop() {
    stopping = true;
  }

  boolean stopping() {
    return stopping;
  }

  /** The error of an execution the stopping server refused or cancelled. */
  static AvaticaClientRuntimeException stopped() {
    return SqlErrors.of(SqlErrors.SHUTTING_DOWN, "the server is stopping; connect again once it has restarted");
  }
}
