package org.annals.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;

/**
 * Avatica's database metadata, with where nulls sort as the server sorts them: Calcite sorts nulls
 * high (last in ascending order, first in descending), and Avatica's client, never told, said
 * "at the end" whatever the order, which tools that place nulls themselves took at its word. The
 * database is not read-only either, and {@link #getFunctions} lists the functions a query may call.
 */
final class AnnalsDatabaseMetaData extends AvaticaDatabaseMetaData {
  /**
   * JDBC's columns of {@link #getFunctions}, from the server's table of the functions a query may
   * call. They are built in, so they have no catalog or schema and are listed for every schema.
   */
  private static final String FUNCTIONS = "SELECT CAST(NULL AS VARCHAR) AS \"FUNCTION_CAT\","
      + " CAST(NULL AS VARCHAR) AS \"FUNCTION_SCHEM\", function_name AS \"FUNCTION_NAME\","
      + " function_kind || ' function' || COALESCE('; takes ' || signatures, '') AS \"REMARKS\","
      + " CAST(CASE function_kind WHEN 'table' THEN " + functionReturnsTable + " ELSE " + functionNoTable
      + " END AS SMALLINT) AS \"FUNCTION_TYPE\", function_name AS \"SPECIFIC_NAME\""
      + " FROM annals_system.functions WHERE function_name LIKE UPPER(CAST(? AS VARCHAR)) ESCAPE '\\'"
      + " ORDER BY function_name";

  private final AvaticaConnection connection;

  AnnalsDatabaseMetaData(AvaticaConnection connection) {
    super(connection);
    this.connection = connection;
  }

  /**
   * The functions a query may call. Avatica's protocol has no request for them, so its client
   * answered with no rows; the driver asks the server's {@code annals_system.functions} instead.
   * Names match the pattern in any case, as SQL finds functions.
   */
  @Override
  public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
      throws SQLException {
    PreparedStatement functions = connection.prepareStatement(FUNCTIONS);
    try {
      functions.setString(1, functionNamePattern == null ? "%" : functionNamePattern);
      ResultSet rows = functions.executeQuery();
      functions.closeOnCompletion();
      return rows;
    } catch (SQLException e) {
      functions.close();
      throw e;
    }
  }

  /** Annals takes INSERTs; Avatica's client answered from Calcite's read-only default. */
  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public boolean nullsAreSortedHigh() {
    return true;
  }

  @Override
  public boolean nullsAreSortedLow() {
    return false;
  }

  @Override
  public boolean nullsAreSortedAtStart() {
    return false;
  }

  @Override
  public boolean nullsAreSortedAtEnd() {
    return false;
  }
}
