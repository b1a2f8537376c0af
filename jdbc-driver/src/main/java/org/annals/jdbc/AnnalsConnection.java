package org.annals.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.Helper;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * Avatica's remote connection with the calls BI tools make on connect answered as JDBC asks,
 * where Avatica threw an unchecked exception or one with no message. Not thread-safe beyond what
 * Avatica's connection is.
 */
final class AnnalsConnection extends AvaticaConnection {
  /** Client info is the application's to set and read back; the server takes none. */
  private final Properties clientInfo = new Properties();
  final StatementCancels cancels = new StatementCancels(this);
  /**
   * This connection's requests. Set by {@link ClientServiceFactory} while Avatica's constructor
   * makes the service, before this class's own fields are set, hence no initializer here.
   */
  private PrefetchingService requests;

  AnnalsConnection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info) {
    super(driver, factory, url, info);
  }

  /**
   * Sets the schema, checked by the server at once. Avatica's client only notes a schema and sends
   * it with the next statement, so a schema that does not exist failed there, unchecked, and on
   * every later statement too, since the client sent the refused setting again each time.
   */
  @Override
  public void setSchema(String schema) throws SQLException {
    String previous = getSchema();
    super.setSchema(schema);
    try {
      getSchema();
    } catch (AvaticaClientRuntimeException e) {
      super.setSchema(previous);
      throw ServerErrors.of(e);
    }
  }

  /**
   * Prepares a statement, failing with the server's reason: Avatica's client kept only "while
   * preparing SQL: ..." and the state, and JayDeBeApi and pandas, which prepare every statement,
   * show nothing else.
   */
  @Override
  public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
      int resultSetHoldability) throws SQLException {
    if (isClosed()) {
      throw new SQLException("the connection is closed", "08003");
    }
    Meta.StatementHandle h;
    try {
      h = meta.prepare(handle, sql, -1);
    } catch (AvaticaClientRuntimeException e) {
      throw ServerErrors.of(e);
    } catch (RuntimeException e) {
      if (ServerErrors.transportFailed(e)) {
        throw ServerErrors.unreachable(config().url(), e);
      }
      throw Helper.INSTANCE.createException("while preparing SQL: " + sql, e);
    }
    return factory.newPreparedStatement(this, h, h.signature, resultSetType, resultSetConcurrency,
        resultSetHoldability);
  }

  /**
   * A plain statement's execution, cancellable and timed ({@link StatementCancels}), failing
   * with the server's message as it is ({@link StatementCancels#failure}).
   */
  @Override
  protected Meta.ExecuteResult prepareAndExecuteInternal(AvaticaStatement statement, String sql, long maxRowCount)
      throws SQLException, NoSuchStatementException {
    StatementCancels.Execution execution = cancels.started(statement);
    boolean rows = false;
    try {
      Meta.ExecuteResult result = super.prepareAndExecuteInternal(statement, sql, maxRowCount);
      rows = statement.getResultSet() != null;
      return result;
    } catch (AvaticaClientRuntimeException serverError) {
      throw cancels.failure(statement, ServerErrors.of(serverError));
    } catch (RuntimeException e) {
      if (ServerErrors.transportFailed(e)) {
        // The client stopped waiting (its HTTP read timed out) or lost the server: the statement
        // may still run there, and nothing else would stop it before the server's own limit.
        cancels.abandoned(statement, execution);
        throw ServerErrors.unreachable(config().url(), e);
      }
      throw e;
    } finally {
      if (!rows) {
        cancels.finished(statement, execution);
      }
    }
  }

  /**
   * A prepared statement's execution, cancellable and timed ({@link StatementCancels}); a
   * metadata result, which arrives whole, is only wrapped.
   */
  @Override
  protected ResultSet executeQueryInternal(AvaticaStatement statement, Meta.Signature signature, Meta.Frame firstFrame,
      QueryState state, boolean isUpdate) throws SQLException {
    if (!(statement instanceof AvaticaPreparedStatement)) {
      return super.executeQueryInternal(statement, signature, firstFrame, state, isUpdate);
    }
    StatementCancels.Execution execution = cancels.started(statement);
    boolean rows = false;
    try {
      ResultSet result = super.executeQueryInternal(statement, signature, firstFrame, state, isUpdate);
      rows = result != null;
      return result;
    } catch (SQLException e) {
      if (e.getCause() instanceof RuntimeException cause && ServerErrors.transportFailed(cause)) {
        cancels.abandoned(statement, execution);
        throw ServerErrors.unreachable(config().url(), cause);
      }
      throw cancels.failure(statement, e);
    } finally {
      if (!rows) {
        cancels.finished(statement, execution);
      }
    }
  }

  /** The service this connection's requests go through (set by {@link ClientServiceFactory}). */
  void useRequests(PrefetchingService requests) {
    this.requests = requests;
  }

  PrefetchingService requests() {
    return requests;
  }

  /** JDBC's error for {@code executeUpdate} given a statement that returns rows. */
  static SQLException updateGivenQuery(String sql) {
    return new SQLException("executeUpdate runs statements that return no rows (INSERT); this one returns rows, so run"
        + " it with executeQuery or execute: " + sql, "07000");
  }

  /**
   * A new statement, or the server's reason it cannot make one (this connection expired, say),
   * as an SQLException: Avatica's client let that error through unchecked.
   */
  @Override
  public AvaticaStatement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    try {
      return super.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
    } catch (AvaticaClientRuntimeException e) {
      throw ServerErrors.of(e);
    } catch (RuntimeException e) {
      if (ServerErrors.transportFailed(e)) {
        throw ServerErrors.unreachable(config().url(), e);
      }
      throw e;
    }
  }

  /**
   * Whether the server still has this connection, asked with a round trip (a connection sync that
   * changes nothing): Avatica answered from the client alone, so pools kept handing out connections
   * the server had closed (idle, or stopped). An answer slower than {@code timeout} seconds counts
   * as invalid.
   */
  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw new SQLException("isValid takes a timeout of 0 (none) or more seconds; got " + timeout, "HY024");
    }
    if (isClosed()) {
      return false;
    }
    CompletableFuture<Boolean> alive = CompletableFuture.supplyAsync(() -> {
      try {
        meta.connectionSync(handle, new ConnectionPropertiesImpl());
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    });
    try {
      return timeout == 0 ? alive.get() : alive.get(timeout, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Closes the connection; one the server no longer has, a server gone, or a server that no longer
   * lets its user in (removed since), is closed all the same: the connection is closed on this
   * side whatever the server answers, and there is nothing left to release. Avatica reports a
   * server's answer as an {@link AvaticaSqlException}, without the error it came from.
   */
  @Override
  public void close() throws SQLException {
    try {
      super.close();
    } catch (SQLException e) {
      boolean serverGone = e.getCause() instanceof RuntimeException cause && ServerErrors.transportFailed(cause);
      if (!(e instanceof AvaticaSqlException) && !serverGone) {
        throw e;
      }
    }
  }

  /** The SQL as the server takes it: Calcite reads JDBC escapes itself. */
  @Override
  public String nativeSQL(String sql) throws SQLException {
    if (isClosed()) {
      throw new SQLException("the connection is closed", "08003");
    }
    return sql;
  }

  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    if (value == null) {
      clientInfo.remove(name);
    } else {
      clientInfo.setProperty(name, value);
    }
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    clientInfo.clear();
    if (properties != null) {
      clientInfo.putAll(properties);
    }
  }

  @Override
  public Properties getClientInfo() throws SQLException {
    Properties copy = new Properties();
    copy.putAll(clientInfo);
    return copy;
  }
}
