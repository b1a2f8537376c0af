package org.annals.engine.server;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.annals.engine.jdbc.ClientProperties;
import org.annals.engine.sql.EventSchema;
import org.annals.engine.sql.SqlErrors;
import org.annals.engine.sql.SystemSchema;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Avatica's JDBC-backed Meta with Annals's rules at the boundary:
 *
 * <ul>
 *   <li>a client's connection properties are checked against {@link ClientProperties#ALLOWED}
 *       and never reach Calcite (JdbcMeta would merge them over the server's: a {@code model} or
 *       {@code schemaFactory} would load files or classes);
 *   <li>result frames carry at least {@link ServerConfig#rowsPerFrame()} rows and at most
 *       {@link ServerConfig#MAX_ROWS_PER_FRAME};
 *   <li>a client may not switch to a schema or catalog outside Annals;
 *   <li>every failure reaches the client as an SQL error with an SQLState and no stack trace
 *       ({@link #guarded()}).
 * </ul>
 *
 * Thread-safe, as JdbcMeta is.
 */
final class AnnalsMeta extends JdbcMeta {
  private static final List<String> SCHEMAS = List.of(EventSchema.NAME, SystemSchema.NAME);

  private final int rowsPerFrame;

  AnnalsMeta(String embeddedUrl, int rowsPerFrame) throws SQLException {
    super(embeddedUrl, new Properties());
    this.rowsPerFrame = rowsPerFrame;
  }

  @Override
  public void openConnection(ConnectionHandle ch, Map<String, String> info) {
    Properties client = new Properties();
    if (info != null) {
      client.putAll(info);
    }
    boolean pushdown;
    try {
      ClientProperties.check(client);
      pushdown = ClientProperties.pushdown(client);
    } catch (SQLException e) {
      throw ClientErrors.toClient(e);
    }
    super.openConnection(ch, pushdown ? Map.of() : Map.of(ClientProperties.PUSHDOWN, "false"));
  }

  /**
   * The Meta a service should use: this one behind a proxy that turns every failure of every
   * method into a client error (SQLState, message, no stack trace), so that no method is missed.
   * Checked exceptions that Avatica handles itself (an unknown statement, say) pass unchanged.
   */
  ProtobufMeta guarded() {
    InvocationHandler handler = (proxy, method, args) -> {
      try {
        return method.invoke(this, args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException || cause instanceof Error && !(cause instanceof VirtualMachineError)) {
          throw ClientErrors.toClient(cause);
        }
        throw cause;
      }
    };
    return (ProtobufMeta) Proxy.newProxyInstance(ProtobufMeta.class.getClassLoader(),
        new Class<?>[] {ProtobufMeta.class}, handler);
  }

  /**
   * A client may switch between the Annals schemas and set harmless flags; it may not point the
   * connection at another schema or catalog.
   */
  @Override
  public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties props) {
    String schema = props.getSchema();
    if (schema != null && !SCHEMAS.contains(schema)) {
      throw SqlErrors.of(SqlErrors.NOT_SUPPORTED, "schema '" + schema + "' does not exist; the"
          + " schemas are " + SCHEMAS);
    }
    if (props.getCatalog() != null) {
      throw SqlErrors.of(SqlErrors.NOT_SUPPORTED, "Annals has no catalogs; leave the catalog unset");
    }
    return super.connectionSync(ch, props);
  }

  private int frame(int requested) {
    return Math.min(Math.max(requested, rowsPerFrame), ServerConfig.MAX_ROWS_PER_FRAME);
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    return super.prepareAndExecute(h, sql, maxRowCount, frame(maxRowsInFirstFrame), callback);
  }

  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues,
      int maxRowsInFirstFrame) throws NoSuchStatementException {
    return super.execute(h, parameterValues, frame(maxRowsInFirstFrame));
  }

  @Override
  public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
      throws NoSuchStatementException, MissingResultsException {
    return super.fetch(h, offset, frame(fetchMaxRowCount));
  }

  /** Closes every client connection, so that nothing holds the store once the server stops. */
  void closeAllConnections() {
    getConnectionCache().invalidateAll();
  }
}
