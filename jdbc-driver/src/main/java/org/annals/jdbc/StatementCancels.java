package org.annals.jdbc;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;

/**
 * Cancels one connection's statements on the server: when the application calls
 * {@code Statement.cancel()}, and when a statement runs past its {@code setQueryTimeout}. Avatica's
 * protocol has no cancel, and a connection's requests go one at a time, so the cancel goes beside
 * them, to the server's {@code POST /cancel} over a client of its own (with the connection's
 * authentication and TLS settings). It names the execution it is for, numbered as
 * {@link PrefetchingService} sends them, so that the server applies a cancel that overtook its
 * execution when that starts, and ignores one that comes after it ended; the server stops the
 * execution's scans and result at their next check, and the request waiting on it fails with
 * SQLState 57014.
 *
 * <p>A statement's timeout counts from its execution until its result is read to the end or
 * closed, as the server's own limit does; a statement that times out fails with
 * {@link SQLTimeoutException}. Thread-safe.
 */
final class StatementCancels {
  private static final Logger LOG = Logger.getLogger(StatementCancels.class.getName());
  /** Fires every connection's timeouts; a timeout that no longer applies leaves its queue at once. */
  private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("timeout"));
  /** Sends the cancels of timeouts, so that one slow server does not hold up the timer. */
  private static final ExecutorService SENDER = Executors.newCachedThreadPool(DaemonThreads.named("cancel"));

  static {
    TIMER.setRemoveOnCancelPolicy(true);
  }

  /** One execution of a statement: its number, and its timeout if it has one. */
  static final class Execution {
    private final int number;
    private final int seconds;
    private volatile ScheduledFuture<?> timer;
    private volatile boolean timedOut;

    private Execution(int number, int seconds) {
      this.number = number;
      this.seconds = seconds;
    }
  }

  private final AnnalsConnection connection;
  private final Map<Integer, Execution> running = new ConcurrentHashMap<>();
  private AvaticaHttpClient client;

  StatementCancels(AnnalsConnection connection) {
    this.connection = connection;
  }

  /**
   * A statement starts an execution: a cancel of the one before is forgotten, and its timeout
   * starts.
   */
  Execution started(AvaticaStatement statement) throws SQLException {
    int id = statement.getId();
    flag(statement).set(false);
    Execution execution = new Execution(connection.requests().nextExecution(id), statement.getQueryTimeout());
    stop(running.put(id, execution));
    if (execution.seconds > 0) {
      execution.timer = TIMER.schedule(() -> timeUp(statement, execution), execution.seconds, TimeUnit.SECONDS);
    }
    return execution;
  }

  /** The statement's execution under way, null if none is. */
  Execution execution(AvaticaStatement statement) {
    return running.get(statement.getId());
  }

  /**
   * An execution's result is read to the end or closed, or it had none or failed: nothing is left
   * to time. A later execution of the statement is left alone.
   */
  void finished(AvaticaStatement statement, Execution execution) {
    if (execution != null && running.remove(statement.getId(), execution)) {
      stop(execution);
    }
  }

  private static void stop(Execution execution) {
    if (execution != null && execution.timer != null) {
      execution.timer.cancel(false);
    }
  }

  /** {@code Statement.cancel()}: the statement's results stop here, and its work on the server. */
  void cancel(AvaticaStatement statement) throws SQLException {
    if (statement.isClosed()) {
      throw new SQLException("the statement is closed", "HY010");
    }
    flag(statement).set(true);
    Execution execution = running.get(statement.getId());
    int number = execution != null ? execution.number : connection.requests().nextExecution(statement.getId()) - 1;
    if (number == 0) {
      return; // never executed: nothing runs on the server
    }
    try {
      send(statement.getId(), number);
    } catch (RuntimeException e) {
      throw new SQLException("the cancel did not reach the server: " + e.getMessage(), "08006", e);
    }
  }

  /**
   * The client gave up waiting for an execution (its HTTP read timed out, or the server went
   * away): the server is asked, in the background and without a word if it cannot be reached, to
   * stop it.
   */
  void abandoned(AvaticaStatement statement, Execution execution) {
    SENDER.execute(() -> {
      try {
        send(statement.getId(), execution.number);
      } catch (RuntimeException unreachable) {
        LOG.log(Level.FINE, "the server did not take the cancel of an abandoned statement", unreachable);
      }
    });
  }

  /**
   * What the application sees for a failure of the statement's execution or of a fetch of its
   * rows: an {@link SQLTimeoutException} if its time was up, SQLState 57014 if it was cancelled,
   * and otherwise the server's error as the server gave it ({@link ServerErrors}).
   */
  SQLException failure(AvaticaStatement statement, SQLException failure) throws SQLException {
    Execution execution = running.get(statement.getId());
    if (execution != null && execution.timedOut) {
      return new SQLTimeoutException("the statement ran longer than its query timeout of " + execution.seconds
          + " s and was cancelled", "57014", failure);
    }
    if (failure.getSQLState() == null && flag(statement).get()) {
      return new SQLException("the statement was cancelled", "57014", failure);
    }
    return ServerErrors.of(failure);
  }

  /** The execution's time is up: its results stop here, and its work on the server. */
  private void timeUp(AvaticaStatement statement, Execution execution) {
    execution.timedOut = true;
    try {
      flag(statement).set(true);
    } catch (SQLException closed) {
      return;
    }
    SENDER.execute(() -> {
      try {
        send(statement.getId(), execution.number);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "statement " + statement.getId() + " ran past its query timeout, and the cancel did"
            + " not reach the server", e);
      }
    });
  }

  private void send(int statementId, int execution) {
    byte[] body = ("{\"connection_id\":\"" + connection.id + "\",\"statement_id\":" + statementId + ",\"execution\":"
        + execution + "}").getBytes(StandardCharsets.UTF_8);
    String reply = new String(client().send(body), StandardCharsets.UTF_8);
    if (!reply.contains("\"cancelled\"")) {
      // A server that predates POST /cancel answers it as an Avatica request it cannot read.
      throw new IllegalStateException("the server does not take cancels (it answered: " + reply + ")");
    }
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
