package org.annals.engine.server;

import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import org.annals.engine.sql.ColumnRemarks;
import org.annals.engine.sql.EventSchema;
import org.annals.engine.sql.TypesSchema;
import org.apache.calcite.avatica.Meta;

/**
 * {@code DatabaseMetaData.getColumns} rows as BI tools read them. Calcite's give a type name with
 * its precision and nullability ({@code TIMESTAMP(3) NOT NULL}, which DBeaver and Tableau cannot
 * match to a type), a size of -1 for every column, no fractional digits for a timestamp's
 * milliseconds, no remarks, and blanks for whether a column is generated. A typed table's payload
 * column says which field it reads, how often it is set and whether its type widened. Stateless.
 */
final class ColumnsMetadata {
  // 0-based positions of JDBC's getColumns columns.
  private static final int TABLE_SCHEM = 1;
  private static final int TABLE_NAME = 2;
  private static final int COLUMN_NAME = 3;
  private static final int DATA_TYPE = 4;
  private static final int TYPE_NAME = 5;
  private static final int COLUMN_SIZE = 6;
  private static final int DECIMAL_DIGITS = 8;
  private static final int REMARKS = 11;
  private static final int CHAR_OCTET_LENGTH = 15;
  private static final int IS_AUTOINCREMENT = 22;
  private static final int IS_GENERATEDCOLUMN = 23;

  private ColumnsMetadata() {}

  /** @param typedRemarks the remarks on a typed table's payload column, by table and column name */
  static Meta.Frame rewrite(Meta.Frame frame, BinaryOperator<String> typedRemarks) {
    List<Object> rows = new ArrayList<>();
    for (Object row : frame.rows) {
      Object[] cells = FrameRows.cells(row).clone();
      if (cells.length > IS_GENERATEDCOLUMN) {
        rewrite(cells, typedRemarks);
      }
      rows.add(cells);
    }
    return new Meta.Frame(frame.offset, frame.done, rows);
  }

  private static void rewrite(Object[] row, BinaryOperator<String> typedRemarks) {
    String typeName = String.valueOf(row[TYPE_NAME]);
    int type = ((Number) row[DATA_TYPE]).intValue();
    int digits = fractionalDigits(typeName);
    row[TYPE_NAME] = baseName(typeName);
    Integer size = size(type, digits);
    if (size != null) {
      row[COLUMN_SIZE] = size;
    }
    if (type == Types.TIMESTAMP || type == Types.TIME) {
      row[DECIMAL_DIGITS] = Math.max(digits, 0);
    } else if (type == Types.BIGINT || type == Types.INTEGER || type == Types.SMALLINT || type == Types.TINYINT) {
      row[DECIMAL_DIGITS] = 0;
    }
    if (type == Types.VARCHAR || type == Types.CHAR) {
      row[CHAR_OCTET_LENGTH] = row[COLUMN_SIZE];
    }
    String column = String.valueOf(row[COLUMN_NAME]);
    if ((EventSchema.NAME.equals(row[TABLE_SCHEM]) || TypesSchema.NAME.equals(row[TABLE_SCHEM])) && row[REMARKS] == null) {
      row[REMARKS] = ColumnRemarks.of(column);
    }
    if (TypesSchema.NAME.equals(row[TABLE_SCHEM]) && row[REMARKS] == null) {
      row[REMARKS] = typedRemarks.apply(String.valueOf(row[TABLE_NAME]), column);
    }
    row[IS_AUTOINCREMENT] = "NO";
    row[IS_GENERATEDCOLUMN] = "NO";
  }

  /** {@code TIMESTAMP(3) NOT NULL} is {@code TIMESTAMP}. */
  private static String baseName(String typeName) {
    int end = typeName.length();
    for (char stop : new char[] {'(', ' '}) {
      int at = typeName.indexOf(stop);
      if (at >= 0) {
        end = Math.min(end, at);
      }
    }
    return typeName.substring(0, end);
  }

  /** The 3 of {@code TIMESTAMP(3)}, or -1 if the name gives none. */
  private static int fractionalDigits(String typeName) {
    int open = typeName.indexOf('(');
    int close = typeName.indexOf(')', open + 1);
    if (open < 0 || close < 0 || typeName.substring(open + 1, close).contains(",")) {
      return -1;
    }
    try {
      return Integer.parseInt(typeName.substring(open + 1, close).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The column size JDBC defines for the type: digits for numbers, characters for text and times. */
  private static Integer size(int type, int digits) {
    return switch (type) {
      case Types.VARCHAR, Types.CHAR -> Integer.MAX_VALUE;
      case Types.BIGINT -> 19;
      case Types.INTEGER -> 10;
      case Types.SMALLINT -> 5;
      case Types.TINYINT -> 3;
      case Types.DOUBLE, Types.FLOAT -> 15;
      case Types.BOOLEAN -> 1;
      case Types.DATE -> 10;
      // yyyy-mm-dd hh:mm:ss, then a point and the fractional digits.
      case Types.TIMESTAMP -> 19 + (digits > 0 ? digits + 1 : 0);
      case Types.TIME -> 8 + (digits > 0 ? digits + 1 : 0);
      default -> null;
    };
  }
}
