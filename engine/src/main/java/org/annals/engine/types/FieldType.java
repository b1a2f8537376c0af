package org.annals.engine.types;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The SQL type of a payload field in a typed table, inferred from the JSON values the field has
 * held: whole numbers are BIGINT, other numbers DOUBLE, true and false BOOLEAN, strings in ISO
 * date-time form TIMESTAMP, other strings VARCHAR, objects and arrays JSON (their text, as a
 * VARCHAR column). Types only widen ({@link #widen}): a field that has held both whole and
 * fractional numbers is DOUBLE; one that has held values of two other kinds is VARCHAR, whose
 * column shows each value's text.
 */
public enum FieldType {
  BIGINT("BIGINT"),
  DOUBLE("DOUBLE"),
  BOOLEAN("BOOLEAN"),
  TIMESTAMP("TIMESTAMP(3)"),
  VARCHAR("VARCHAR"),
  JSON("VARCHAR");

  /** ISO 8601 date and time of day, optionally with seconds, a fraction and an offset. */
  private static final Pattern ISO_DATE_TIME = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?");

  private final String sqlName;

  FieldType(String sqlName) {
    this.sqlName = sqlName;
  }

  /** The type as SQL names it, as {@code annals_system.typed_columns} shows it: JSON is VARCHAR. */
  public String sqlName() {
    return sqlName;
  }

  /** The type as a field's history tells it, JSON apart from other text: BIGINT, ..., VARCHAR, JSON. */
  public String label() {
    return this == TIMESTAMP ? sqlName : name();
  }

  /** The type of a column that has held values of both types. */
  public static FieldType widen(FieldType a, FieldType b) {
    if (a == b) {
      return a;
    }
    if ((a == BIGINT || a == DOUBLE) && (b == BIGINT || b == DOUBLE)) {
      return DOUBLE;
    }
    return VARCHAR;
  }

  /** The type of a JSON string: TIMESTAMP when it is an ISO date-time, else VARCHAR. */
  public static FieldType ofString(char[] chars, int offset, int length) {
    // Most strings fail these before any is made a String: profiling reads every payload.
    if (length < 16 || length > 40 || chars[offset + 4] != '-' || chars[offset + 7] != '-'
        || !Character.isDigit(chars[offset])) {
      return VARCHAR;
    }
    return timestampMillis(new String(chars, offset, length)) != null ? TIMESTAMP : VARCHAR;
  }

  /** The column's nullable SQL type. */
  public RelDataType relType(RelDataTypeFactory types) {
    RelDataType t = switch (this) {
      case BIGINT -> types.createSqlType(SqlTypeName.BIGINT);
      case DOUBLE -> types.createSqlType(SqlTypeName.DOUBLE);
      case BOOLEAN -> types.createSqlType(SqlTypeName.BOOLEAN);
      case TIMESTAMP -> types.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case VARCHAR, JSON -> types.createSqlType(SqlTypeName.VARCHAR);
    };
    return types.createTypeWithNullability(t, true);
  }

  /**
   * A value as the column holds it (Calcite's internal form: Long, Double, Boolean, epoch
   * milliseconds for a timestamp, String), from the text the scan read at the field: a string's
   * text, a number as written, a container's JSON; null for none.
   *
   * @throws IllegalArgumentException for a value that does not fit the column: one appended after
   *     the statement was planned, of a kind the column had not seen then (it has widened since).
   *     Text that reads as the column's kind (the string "10" in a BIGINT column) reads as it.
   */
  public Object value(String text) {
    if (text == null) {
      return null;
    }
    try {
      Object value = switch (this) {
        case BIGINT -> Long.parseLong(text);
        case DOUBLE -> Double.parseDouble(text);
        case BOOLEAN -> "true".equals(text) ? Boolean.TRUE : "false".equals(text) ? Boolean.FALSE : null;
        case TIMESTAMP -> timestampMillis(text);
        case VARCHAR, JSON -> text;
      };
      if (value == null) {
        throw new IllegalArgumentException(text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /**
   * Milliseconds since the epoch of an ISO date-time; one without an offset is taken as UTC, the
   * store's zone. Null for any other text.
   */
  static Long timestampMillis(String text) {
    if (text.length() < 16 || text.length() > 40 || text.charAt(4) != '-' || !ISO_DATE_TIME.matcher(text).matches()) {
      return null;
    }
    String iso = text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
    try {
      char last = iso.charAt(iso.length() - 1);
      int sign = Math.max(iso.lastIndexOf('+'), iso.lastIndexOf('-'));
      if (last == 'Z') {
        // OffsetDateTime, unlike Instant, takes a time without seconds (12:00Z).
        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
      }
      if (sign > 10) {
        String offset = iso.substring(sign);
        String normal = offset.length() == 5 ? offset.substring(0, 3) + ':' + offset.substring(3) : offset;
        return OffsetDateTime.parse(iso.substring(0, sign) + normal).toInstant().toEpochMilli();
      }
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
