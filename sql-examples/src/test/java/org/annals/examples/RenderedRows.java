package org.annals.examples;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A result's rows as text that shows every value as a client sees it: its class and value from
 * getObject, and getString beside it (the text a BI tool shows). Two reads give equal lists only
 * if they give the same values of the same types.
 */
final class RenderedRows {
  private RenderedRows() {}

  static List<String> of(ResultSet rs) throws SQLException {
    List<String> rows = new ArrayList<>();
    ResultSetMetaData meta = rs.getMetaData();
    while (rs.next()) {
      StringBuilder row = new StringBuilder();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        Object value = rs.getObject(i);
        row.append(value == null ? "null" : value.getClass().getSimpleName() + ":" + value)
            .append('/').append(rs.getString(i)).append(' ');
      }
      rows.add(row.toString());
    }
    return rows;
  }
}
