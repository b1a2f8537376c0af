package org.annals.engine.sql;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;

/**
 * Whether the scans of one statement's execution should stop: its statement was cancelled
 * (Calcite's cancel flag), or it has run past its timeout, the shorter of the connection's
 * ({@link ConnectionSettings#queryTimeoutMillis}) and the statement's own. The time counts from
 * the execution's start. Storage asks between batches, {@link EventEnumerator} every few rows and
 * {@link EnumerableCancelCheck} around joins, so work stops within moments whether it reads events
 * or combines rows already read. The flag is set by {@code Statement.cancel()}, which the server
 * hears through {@code POST /cancel}. Thread-safe.
 */
final class StatementCancel implements BooleanSupplier {
  private static final StatementCancel NEVER = new StatementCancel(null, 0);

  private final AtomicBoolean flag;
  private final long timeoutMillis;
  private final long deadline;

  private StatementCancel(AtomicBoolean flag, long timeoutMillis) {
    this.flag = flag;
    this.timeoutMillis = timeoutMillis;
    this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
  }

  /** For the execution {@code root} stands for (null outside one: no cancel, no timeout). */
  static StatementCancel of(DataContext root, long connectionTimeoutMillis) {
    if (root == null) {
      return connectionTimeoutMillis > 0 ? new StatementCancel(null, connectionTimeoutMillis) : NEVER;
    }
    Long statementTimeout = DataContext.Variable.TIMEOUT.get(root);
    long timeout = connectionTimeoutMillis;
    if (statementTimeout != null && statementTimeout > 0 && (timeout == 0 || statementTimeout < timeout)) {
      timeout = statementTimeout;
    }
    return new StatementCancel(DataContext.Variable.CANCEL_FLAG.get(root), timeout);
  }

  @Override
  public boolean getAsBoolean() {
    return flag != null && flag.get() || timedOut();
  }

  private boolean timedOut() {
    return timeoutMillis > 0 && System.nanoTime() - deadline > 0;
  }

  /** The error a stopped statement reports: why it stopped. */
  AvaticaClientRuntimeException error() {
    return timedOut() ? SqlErrors.timedOut(timeoutMillis) : SqlErrors.cancelled();
  }
}
