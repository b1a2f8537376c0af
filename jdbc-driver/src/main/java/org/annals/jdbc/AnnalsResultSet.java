package org.annals.jdbc;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.Locale;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;

/**
 * Avatica's result set with {@code getObject(column, Class)}, which Avatica refuses for every
 * class, answered for the classes JDBC 4.2 names: the wrappers of the primitive getters, String,
 * BigDecimal, byte[], java.sql's date and time classes, and java.time's. Timestamps are UTC (as
 * Annals stores them), so a {@code LocalDateTime} is the stored wall-clock time and an
 * {@code Instant} or {@code OffsetDateTime} the same moment in UTC, whatever the JVM's zone. It
 * also ends at the statement's {@code setMaxRows}, which Avatica sends the server with a plain
 * statement's SQL but not with a prepared statement's execution. Not thread-safe, as result sets
 * are not.
 */
final class AnnalsResultSet extends AvaticaResultSet {
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  /** The most rows to return, 0 for all. */
  private final long maxRows;
  /** The execution this is the result of, null for a result without one (metadata). */
  private final StatementCancels.Execution execution;
  private long rowsRead;

  AnnalsResultSet(AvaticaStatement statement, QueryState state, Meta.Signature signature,
      ResultSetMetaData metaData, TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
    super(statement, state, signature, metaData, timeZone, firstFrame);
    this.maxRows = statement == null ? 0 : statement.getLargeMaxRows();
    this.execution = statement == null ? null : cancels().execution(statement);
  }

  /**
   * The next row; at the end, or at the statement's maximum, the statement's query timeout stops
   * counting. A fetch that fails because the statement was cancelled or timed out says so
   * ({@link StatementCancels#failure}).
   */
  @Override
  public boolean next() throws SQLException {
    if (maxRows > 0 && rowsRead >= maxRows) {
      finished();
      return false;
    }
    boolean more;
    try {
      more = super.next();
    } catch (SQLException e) {
      throw statement == null ? e : cancels().failure(statement, e);
    } catch (AvaticaClientRuntimeException serverError) {
      // Avatica's result set lets a fetch's failure through unwrapped.
      SQLException e = ServerErrors.of(serverError);
      throw statement == null ? e : cancels().failure(statement, e);
    }
    if (more) {
      rowsRead++;
    } else {
      finished();
    }
    return more;
  }

  @Override
  public void close() {
    finished();
    super.close();
  }

  private void finished() {
    if (statement != null) {
      cancels().finished(statement, execution);
    }
  }

  private StatementCancels cancels() {
    return ((AnnalsConnection) statement.connection).cancels;
  }

  @Override
  public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
    return getObject(findColumn(columnLabel), type);
  }

  @Override
  public <T> T getObject(int column, Class<T> type) throws SQLException {
    if (type == null) {
      throw new SQLException("getObject needs a class to return", "HY009");
    }
    Object value;
    try {
      value = value(column, type);
    } catch (SQLException e) {
      if (e.getSQLState() != null) {
        throw e;
      }
      // Avatica's conversion errors carry no state and name an accessor object, not the value.
      throw new SQLException("column " + column + " (" + getMetaData().getColumnTypeName(column) + ") cannot be read as "
          + type.getName() + ": " + getString(column), "22018", e);
    }
    return wasNull() ? null : type.cast(value);
  }

  private Object value(int column, Class<?> type) throws SQLException {
    if (type == String.class) {
      return getString(column);
    } else if (type == Long.class) {
      return getLong(column);
    } else if (type == Integer.class) {
      return getInt(column);
    } else if (type == Short.class) {
      return getShort(column);
    } else if (type == Byte.class) {
      return getByte(column);
    } else if (type == Double.class) {
      return getDouble(column);
    } else if (type == Float.class) {
      return getFloat(column);
    } else if (type == Boolean.class) {
      return getBoolean(column);
    } else if (type == BigDecimal.class) {
      return getBigDecimal(column);
    } else if (type == byte[].class) {
      return getBytes(column);
    } else if (type == Date.class) {
      return getDate(column);
    } else if (type == Time.class) {
      return getTime(column);
    } else if (type == Timestamp.class) {
      return getTimestamp(column);
    } else if (type == LocalDate.class) {
      Date date = getDate(column, Calendar.getInstance(UTC, Locale.ROOT));
      return date == null ? null : utc(date.getTime()).toLocalDate();
    } else if (type == LocalTime.class) {
      Time time = getTime(column, Calendar.getInstance(UTC, Locale.ROOT));
      return time == null ? null : utc(time.getTime()).toLocalTime();
    } else if (type == LocalDateTime.class) {
      Timestamp t = getTimestamp(column, Calendar.getInstance(UTC, Locale.ROOT));
      return t == null ? null : utc(t.getTime()).toLocalDateTime();
    } else if (type == OffsetDateTime.class) {
      Timestamp t = getTimestamp(column, Calendar.getInstance(UTC, Locale.ROOT));
      return t == null ? null : utc(t.getTime());
    } else if (type == Instant.class) {
      Timestamp t = getTimestamp(column, Calendar.getInstance(UTC, Locale.ROOT));
      return t == null ? null : Instant.ofEpochMilli(t.getTime());
    }
    Object value = getObject(column);
    if (value == null || type.isInstance(value)) {
      return value;
    }
    throw new SQLException("column " + column + " holds " + value.getClass().getName() + ", which getObject cannot"
        + " return as " + type.getName() + "; it returns the wrappers of the primitive types, String, BigDecimal,"
        + " byte[], java.sql.Date, Time and Timestamp, and java.time's LocalDate, LocalTime, LocalDateTime,"
        + " OffsetDateTime and Instant", "22018");
  }

  private static OffsetDateTime utc(long millis) {
    return Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC);
  }
}
