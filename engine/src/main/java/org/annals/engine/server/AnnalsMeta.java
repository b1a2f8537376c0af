package org.annals.engine.server;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.annals.engine.jdbc.ClientProperties;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Avatica's JDBC-backed Meta with Annals's rules at the boundary:
 *
 * <ul>
 *   <li>a client's connection properties are checked against {@link ClientProperties#ALLOWED}
 *       and never reach Calcite (JdbcMeta would merge them over the server's: a {@code model} or
 *       {@code schemaFactory} would load files or classes);
 *   <li>result frames carry at least {@link ServerConfig#rowsPerFrame()} rows;
 *   <li>every failure reaches the client as an SQL error with an SQLState and no stack trace.
 * </ul>
 *
 * Thread-safe, as JdbcMeta is.
 */
final class AnnalsMeta extends JdbcMeta {
  private final int rowsPerFrame;

  AnnalsMeta(String embeddedUrl, int rowsPerFrame) throws SQLException {
    super(embeddedUrl, new Properties());
    this.rowsPerFrame = rowsPerFrame;
  }

  @Override
  public void openConnection(ConnectionHandle ch, Map<String, String> info) {
    try {
      Properties client = new Properties();
      if (info != null) {
        client.putAll(info);
      }
      ClientProperties.forCalcite(client);
      super.openConnection(ch, Map.of());
    } catch (SQLException | RuntimeException e) {
      throw ClientErrors.toClient(e);
    }
  }

  private int frame(int requested) {
    return Math.max(requested, rowsPerFrame);
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    try {
      return super.prepareAndExecute(h, sql, maxRowCount, frame(maxRowsInFirstFrame), callback);
    } catch (NoSuchStatementException e) {
      throw e;
    } catch (RuntimeException e) {
      throw ClientErrors.toClient(e);
    }
  }

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    try {
      return super.prepare(ch, sql, maxRowCount);
    } catch (RuntimeException e) {
      throw ClientErrors.toClient(e);
    }
  }

  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues,
      int maxRowsInFirstFrame) throws NoSuchStatementException {
    try {
      return super.execute(h, parameterValues, frame(maxRowsInFirstFrame));
    } catch (NoSuchStatementException e) {
      throw e;
    } catch (RuntimeException e) {
      throw ClientErrors.toClient(e);
    }
  }

  @Override
  public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
      throws NoSuchStatementException, MissingResultsException {
    try {
      return super.fetch(h, offset, frame(fetchMaxRowCount));
    } catch (NoSuchStatementException | MissingResultsException e) {
      throw e;
    } catch (RuntimeException e) {
      throw ClientErrors.toClient(e);
    }
  }
}
