package org.annals.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/**
 * Avatica's plain statement, with {@link #cancel} that reaches the server ({@link StatementCancels})
 * where Avatica's waited for the statement's own request to end and told the server nothing, and
 * {@code executeUpdate} that refuses a query, as JDBC asks. Not thread-safe but for
 * {@link #cancel}, as statements are not.
 */
final class AnnalsStatement extends AvaticaStatement {
  AnnalsStatement(AvaticaConnection connection, Meta.StatementHandle h, int resultSetType, int resultSetConcurrency,
      int resultSetHoldability) {
    super(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  /** Not synchronized, unlike Avatica's: the thread running the statement holds its monitor. */
  @Override
  public void cancel() throws SQLException {
    ((AnnalsConnection) connection).cancels.cancel(this);
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    long count = super.executeLargeUpdate(sql);
    ResultSet rows = getResultSet();
    if (rows != null) {
      rows.close();
      throw AnnalsConnection.updateGivenQuery(sql);
    }
    return count;
  }
}
