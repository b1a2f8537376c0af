package org.annals.engine.server;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.jdbc.StatementInfo;

/**
 * The frames after the first of a result that goes the JDBC way (an operator above the scan,
 * or a JSON client), read from its result set row by row so that a frame stops once it holds
 * about {@link ServerConfig#MAX_FRAME_BYTES}, however large its rows: Avatica's JdbcMeta counts
 * rows only. Values take the forms JdbcMeta's frames give them (timestamps, dates and times as
 * numbers in the server's zone, which {@code annals} keeps at UTC); a result with ARRAY or STRUCT
 * columns is left to JdbcMeta. The byte count is an estimate: a character of text counts as a
 * byte, and each value a few bytes of framing. Stateless.
 */
final class JdbcFrames {
  /** Protobuf's tags, lengths and type of one value, about. */
  private static final int PER_VALUE = 6;
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private JdbcFrames() {}

  /**
   * The next frame of up to {@code maxRows} rows of the statement's result, or null if its
   * columns are of a type this class leaves to JdbcMeta.
   */
  static Meta.Frame next(StatementInfo statement, long offset, int maxRows) throws SQLException {
    ResultSet results = statement.getResultSet();
    ResultSetMetaData meta = results.getMetaData();
    int[] types = new int[meta.getColumnCount()];
    for (int i = 0; i < types.length; i++) {
      types[i] = meta.getColumnType(i + 1);
      if (types[i] == Types.ARRAY || types[i] == Types.STRUCT) {
        return null;
      }
    }
    Calendar calendar = Calendar.getInstance(TimeZone.getDefault(), Locale.ROOT);
    List<Object> rows = new ArrayList<>();
    long bytes = 0;
    boolean done = false;
    while (rows.size() < maxRows && bytes < ServerConfig.MAX_FRAME_BYTES) {
      if (!statement.next()) {
        done = true;
        results.close();
        break;
      }
      Object[] row = new Object[types.length];
      for (int i = 0; i < types.length; i++) {
        row[i] = value(results, types[i], i + 1, calendar);
        bytes += bytes(row[i]);
      }
      rows.add(row);
    }
    return new Meta.Frame(offset, done, rows);
  }

  private static Object value(ResultSet results, int type, int column, Calendar calendar) throws SQLException {
    return switch (type) {
      case Types.BIGINT -> orNull(results, results.getLong(column));
      case Types.INTEGER -> orNull(results, results.getInt(column));
      case Types.SMALLINT -> orNull(results, results.getShort(column));
      case Types.TINYINT -> orNull(results, results.getByte(column));
      case Types.DOUBLE, Types.FLOAT -> orNull(results, results.getDouble(column));
      case Types.REAL -> orNull(results, results.getFloat(column));
      case Types.DATE -> {
        Date date = results.getDate(column, calendar);
        yield date == null ? null : (int) (date.getTime() / MILLIS_PER_DAY);
      }
      case Types.TIME -> {
        Time time = results.getTime(column, calendar);
        yield time == null ? null : (int) (time.getTime() % MILLIS_PER_DAY);
      }
      case Types.TIMESTAMP -> {
        Timestamp timestamp = results.getTimestamp(column, calendar);
        yield timestamp == null ? null : timestamp.getTime();
      }
      default -> results.getObject(column);
    };
  }

  /** A primitive getter's value, or null where the column was SQL NULL. */
  private static Object orNull(ResultSet results, Object value) throws SQLException {
    return results.wasNull() ? null : value;
  }

  private static long bytes(Object cell) {
    if (cell instanceof String s) {
      return PER_VALUE + s.length();
    }
    if (cell instanceof byte[] b) {
      return PER_VALUE + b.length;
    }
    return PER_VALUE + 8;
  }
}
