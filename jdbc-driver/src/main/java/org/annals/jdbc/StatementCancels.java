package org.annals.jdbc;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;

/**
 * Cancels one connection's statements on the server: when the application calls
 * {@code Statement.cancel()}, and when a statement runs past its {@code setQueryTimeout}. Avatica's
 * protocol has no cancel, and a connection's requests go one at a time, so the cancel goes beside
 * them, to the server's {@code POST /cancel} over a client of its own (with the connection's
 * authentication and TLS settings); the server stops the statement's scans and result at their next
 * check, and the request waiting on it fails with SQLState 57014.
 *
 * <p>A statement's timeout counts from its execution until its result is read to the end or
 * closed, as the server's own limit does; a statement that times out fails with
 * {@link SQLTimeoutException}. Thread-safe.
 */
final class StatementCancels {
  private static final Logger LOG = Logger.getLogger(StatementCancels.class.getName());
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "annals-jdbc-query-timeout");
    thread.setDaemon(true);
    return thread;
  });

  /** A timed execution of a statement: when its time is up, and whether it has been. */
  static final class Deadline {
    private final int seconds;
    private volatile ScheduledFuture<?> timer;
    private volatile boolean passed;

    private Deadline(int seconds) {
      this.seconds = seconds;
    }
  }

  private final AvaticaConnection connection;
  private final Map<Integer, Deadline> deadlines = new ConcurrentHashMap<>();
  private AvaticaHttpClient client;

  StatementCancels(AvaticaConnection connection) {
    this.connection = connection;
  }

  /**
   * A statement starts an execution: a cancel of the one before is forgotten, and its timeout
   * starts.
   *
   * @return the execution's deadline, null if the statement has no timeout
   */
  Deadline started(AvaticaStatement statement) throws SQLException {
    flag(statement).set(false);
    int seconds = statement.getQueryTimeout();
    Deadline deadline = seconds > 0 ? new Deadline(seconds) : null;
    Deadline before = deadline == null ? deadlines.remove(statement.getId()) : deadlines.put(statement.getId(), deadline);
    stop(before);
    if (deadline != null) {
      int id = statement.getId();
      deadline.timer = TIMER.schedule(() -> timeUp(id, deadline), seconds, TimeUnit.SECONDS);
    }
    return deadline;
  }

  /** The statement's current deadline, null if it has none. */
  Deadline deadline(AvaticaStatement statement) {
    return deadlines.get(statement.getId());
  }

  /**
   * An execution's result is read to the end or closed, or it had none: nothing is left to time.
   * A later execution of the statement, with a deadline of its own, is left alone.
   */
  void finished(AvaticaStatement statement, Deadline deadline) {
    if (deadline != null && deadlines.remove(statement.getId(), deadline)) {
      stop(deadline);
    }
  }

  private static void stop(Deadline deadline) {
    if (deadline != null && deadline.timer != null) {
      deadline.timer.cancel(false);
    }
  }

  /** {@code Statement.cancel()}: the statement's results stop here, and its work on the server. */
  void cancel(AvaticaStatement statement) throws SQLException {
    if (statement.isClosed()) {
      throw new SQLException("the statement is closed", "HY010");
    }
    flag(statement).set(true);
    try {
      send(statement.getId());
    } catch (RuntimeException e) {
      throw new SQLException("the cancel did not reach the server: " + e.getMessage(), "08006", e);
    }
  }

  /**
   * What the application sees for a failure of the statement's execution or of a fetch of its
   * rows: an {@link SQLTimeoutException} if its time was up, SQLState 57014 if it was cancelled,
   * and otherwise the server's error as the server gave it ({@link ServerErrors}).
   */
  SQLException failure(AvaticaStatement statement, SQLException failure) throws SQLException {
    Deadline deadline = deadlines.get(statement.getId());
    if (deadline != null && deadline.passed) {
      return new SQLTimeoutException("the statement ran longer than its query timeout of " + deadline.seconds
          + " s and was cancelled", "57014", failure);
    }
    if (failure.getSQLState() == null && flag(statement).get()) {
      return new SQLException("the statement was cancelled", "57014", failure);
    }
    return ServerErrors.of(failure);
  }

  private void timeUp(int statementId, Deadline deadline) {
    deadline.passed = true;
    try {
      send(statementId);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "statement " + statementId + " ran past its query timeout, and the cancel did not"
          + " reach the server", e);
    }
  }

  private void send(int statementId) {
    byte[] body = ("{\"connection_id\":\"" + connection.id + "\",\"statement_id\":" + statementId + "}")
        .getBytes(StandardCharsets.UTF_8);
    client().send(body);
  }

  private synchronized AvaticaHttpClient client() {
    if (client == null) {
      ConnectionConfig config = connection.config();
      try {
        client = config.httpClientFactory().getClient(new URI(config.url()).resolve("/cancel").toURL(), config,
            connection.getKerberosConnection());
      } catch (URISyntaxException | MalformedURLException e) {
        throw new IllegalArgumentException("not a server address: " + config.url(), e);
      }
    }
    return client;
  }

  private AtomicBoolean flag(AvaticaStatement statement) throws SQLException {
    try {
      return connection.getCancelFlag(statement.handle);
    } catch (NoSuchStatementException e) {
      throw new SQLException("the statement is closed", "HY010", e);
    }
  }
}
