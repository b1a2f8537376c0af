package org.annals.engine.jdbc;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidatorException;

/**
 * PostgreSQL's {@code DATE_TRUNC('unit', timestamp)}, which BI tools write for "per day" and
 * "per month", as Calcite's {@code FLOOR(timestamp TO unit)}: the same instant for every unit
 * PostgreSQL takes, weeks starting on Monday as in PostgreSQL ({@link #mondayOf}). Stateless.
 */
final class PostgresDateTrunc {
  static final String NAME = "DATE_TRUNC";

  /** PostgreSQL's units, but the week, and the time unit of each. */
  private static final Map<String, SqlIntervalQualifier> UNITS = Map.ofEntries(
      unit("microseconds", TimeUnit.MICROSECOND), unit("milliseconds", TimeUnit.MILLISECOND),
      unit("second", TimeUnit.SECOND), unit("minute", TimeUnit.MINUTE), unit("hour", TimeUnit.HOUR),
      unit("day", TimeUnit.DAY), unit("month", TimeUnit.MONTH), unit("quarter", TimeUnit.QUARTER),
      unit("year", TimeUnit.YEAR), unit("decade", TimeUnit.DECADE), unit("century", TimeUnit.CENTURY),
      unit("millennium", TimeUnit.MILLENNIUM));

  private static Map.Entry<String, SqlIntervalQualifier> unit(String name, TimeUnit unit) {
    return Map.entry(name, new SqlIntervalQualifier(unit, null, SqlParserPos.ZERO));
  }

  private static final String WEEK = "week";

  private PostgresDateTrunc() {}

  /**
   * The Monday that starts {@code value}'s week, at midnight:
   * {@code TIMESTAMPADD(DAY, -MOD(DAYOFWEEK(value) + 5, 7), FLOOR(value TO DAY))}, where
   * {@code DAYOFWEEK} counts from Sunday as 1. Calcite's own ISO week floor works in a select list
   * but fails in a grouping or a condition.
   */
  private static SqlNode mondayOf(SqlParserPos pos, SqlNode value) {
    SqlNode weekday = SqlStdOperatorTable.DAYOFWEEK.createCall(pos, value.clone(pos));
    SqlNode daysSinceMonday = SqlStdOperatorTable.MOD.createCall(pos,
        SqlStdOperatorTable.PLUS.createCall(pos, weekday, SqlLiteral.createExactNumeric("5", pos)),
        SqlLiteral.createExactNumeric("7", pos));
    SqlNode midnight = SqlStdOperatorTable.FLOOR.createCall(pos, value,
        new SqlIntervalQualifier(TimeUnit.DAY, null, pos));
    return SqlStdOperatorTable.TIMESTAMP_ADD.createCall(pos, new SqlIntervalQualifier(TimeUnit.DAY, null, pos),
        SqlStdOperatorTable.UNARY_MINUS.createCall(pos, daysSinceMonday), midnight);
  }

  /**
   * The FLOOR call for {@code DATE_TRUNC(unit, value)} with the unit written as text, or null for
   * any other form of the call (which Calcite then resolves, or names as unknown, itself).
   *
   * @param operands the call's operands, already rewritten
   */
  static SqlNode asFloor(SqlCall call, SqlNode[] operands) {
    if (operands.length != 2 || !(operands[0] instanceof SqlCharStringLiteral text)) {
      return null;
    }
    String name = text.getValueAs(String.class).strip().toLowerCase(Locale.ROOT);
    if (name.equals(WEEK)) {
      return mondayOf(call.getParserPosition(), operands[1]);
    }
    SqlIntervalQualifier unit = UNITS.get(name);
    if (unit == null) {
      SqlParserPos pos = text.getParserPosition();
      String message = "DATE_TRUNC's unit '" + name + "' is not one Annals knows; it takes "
          + String.join(", ", Stream.concat(UNITS.keySet().stream(), Stream.of(WEEK)).sorted().toList());
      throw new CalciteContextException("At line " + pos.getLineNum() + ", column " + pos.getColumnNum(),
          new SqlValidatorException(message, null), pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(),
          pos.getEndColumnNum());
    }
    SqlParserPos pos = call.getParserPosition();
    return SqlStdOperatorTable.FLOOR.createCall(pos, operands[1], unit);
  }
}
