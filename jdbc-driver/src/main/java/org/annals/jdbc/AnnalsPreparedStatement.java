package org.annals.jdbc;

import java.sql.Date;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;

/**
 * Avatica's prepared statement, with {@code setObject} taking java.time values (JDBC 4.2), which
 * Avatica refused (a {@code LocalDate} for a TIMESTAMP parameter is its midnight), and a text bound
 * to a TIMESTAMP parameter, with {@code setObject} or {@code setString}, read as a timestamp,
 * where Avatica failed with a ClassCastException. Timestamps are UTC, as Annals stores them: a
 * {@code LocalDateTime} is the stored wall-clock time, an {@code Instant},
 * {@code OffsetDateTime} or {@code ZonedDateTime} the moment, whatever the JVM's zone. Its
 * {@link #cancel} reaches the server, and {@code executeUpdate} refuses a query, as for
 * {@link AnnalsStatement}. Not thread-safe but for {@link #cancel}, as statements are not.
 */
final class AnnalsPreparedStatement extends AvaticaPreparedStatement {
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
  /** The one column of an INSERT's result: how many rows it wrote. */
  private static final String ROWCOUNT = "ROWCOUNT";

  AnnalsPreparedStatement(AvaticaConnection connection, Meta.StatementHandle h, Meta.Signature signature,
      int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    super(connection, h, signature, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  /** Not synchronized, unlike Avatica's: the thread running the statement holds its monitor. */
  @Override
  public void cancel() throws SQLException {
    ((AnnalsConnection) connection).cancels.cancel(this);
  }

  /**
   * A query is refused before it runs. Its prepared signature tells: an INSERT's result is one
   * column, Calcite's ROWCOUNT, where a query's is its own columns (the statement type says
   * SELECT for both).
   */
  @Override
  public long executeLargeUpdate() throws SQLException {
    List<ColumnMetaData> columns = getSignature().columns;
    if (columns.size() != 1 || !ROWCOUNT.equals(columns.get(0).columnName)) {
      throw AnnalsConnection.updateGivenQuery(getSignature().sql);
    }
    return super.executeLargeUpdate();
  }

  /** A text for a TIMESTAMP parameter is read as a timestamp, as {@link #setObject} reads it. */
  @Override
  public void setString(int parameterIndex, String x) throws SQLException {
    if (!bindTime(parameterIndex, x)) {
      super.setString(parameterIndex, x);
    }
  }

  @Override
  public void setObject(int parameterIndex, Object x) throws SQLException {
    if (!bindTime(parameterIndex, x)) {
      super.setObject(parameterIndex, x);
    }
  }

  @Override
  public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
    if (!bindTime(parameterIndex, x)) {
      super.setObject(parameterIndex, x, targetSqlType);
    }
  }

  @Override
  public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
    if (!bindTime(parameterIndex, x)) {
      super.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
    }
  }

  /** Binds a java.time value, or a text for a TIMESTAMP parameter; false if {@code x} is neither. */
  private boolean bindTime(int parameterIndex, Object x) throws SQLException {
    Calendar utc = Calendar.getInstance(UTC, Locale.ROOT);
    if (x instanceof LocalDateTime t) {
      setTimestamp(parameterIndex, Timestamp.from(t.toInstant(ZoneOffset.UTC)), utc);
    } else if (x instanceof Instant t) {
      setTimestamp(parameterIndex, Timestamp.from(t), utc);
    } else if (x instanceof OffsetDateTime t) {
      setTimestamp(parameterIndex, Timestamp.from(t.toInstant()), utc);
    } else if (x instanceof ZonedDateTime t) {
      setTimestamp(parameterIndex, Timestamp.from(t.toInstant()), utc);
    } else if (x instanceof LocalDate d && parameterType(parameterIndex) == Types.TIMESTAMP) {
      setTimestamp(parameterIndex, Timestamp.from(d.atStartOfDay(ZoneOffset.UTC).toInstant()), utc);
    } else if (x instanceof LocalDate d) {
      setDate(parameterIndex, new Date(d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()), utc);
    } else if (x instanceof LocalTime t) {
      setTime(parameterIndex, new Time(t.toNanoOfDay() / 1_000_000), utc);
    } else if (x instanceof String s && parameterType(parameterIndex) == Types.TIMESTAMP) {
      setTimestamp(parameterIndex, Timestamp.from(timestamp(s).toInstant(ZoneOffset.UTC)), utc);
    } else {
      return false;
    }
    return true;
  }

  private int parameterType(int parameterIndex) {
    List<AvaticaParameter> parameters = getSignature().parameters;
    return parameters != null && parameterIndex >= 1 && parameterIndex <= parameters.size()
        ? parameters.get(parameterIndex - 1).parameterType : Types.OTHER;
  }

  /** {@code 2026-10-01 12:00:00[.123]}, or ISO's {@code 2026-10-01T12:00[:00]}, read as UTC. */
  private static LocalDateTime timestamp(String text) throws SQLException {
    String t = text.trim();
    try {
      return Timestamp.valueOf(t.replace('T', ' ')).toLocalDateTime();
    } catch (IllegalArgumentException notJdbc) {
      try {
        return LocalDateTime.parse(t.replace(' ', 'T'));
      } catch (DateTimeParseException notIso) {
        throw new SQLException("'" + text + "' is not a timestamp; a TIMESTAMP parameter takes text as"
            + " yyyy-mm-dd hh:mm:ss[.fff] or yyyy-mm-ddThh:mm[:ss] (UTC), or a java.sql.Timestamp or java.time"
            + " value", "22007", notIso);
      }
    }
  }
}
