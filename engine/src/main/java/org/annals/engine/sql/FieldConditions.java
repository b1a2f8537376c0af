package org.annals.engine.sql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.calcite.DataContext;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.NlsString;

/**
 * Conditions on one JSON field that the scan applies as it reads the field, before the row's
 * other columns are decoded: the field compared ({@code = <> < <= > >=}) with a literal or a
 * {@code ?} of its own kind (number, text, boolean, timestamp), {@code IS [NOT] NULL}, a boolean
 * field alone, and AND, OR and NOT of these, with SQL's three-valued logic (a comparison with
 * NULL is unknown, and a row passes only a condition that is true). {@code IN} lists and ranges
 * arrive expanded into comparisons. Numbers compare as Calcite compares them: whole numbers
 * exactly, others as doubles.
 */
final class FieldConditions {
  /** A condition's value for one field value: TRUE, FALSE or null for unknown. */
  private interface Condition {
    Boolean test(Object value);
  }

  private FieldConditions() {}

  /** Whether the scan can apply a condition over {@code $0}, the field. */
  static boolean isPushable(RexNode condition) {
    if (condition instanceof RexInputRef ref) {
      return ref.getType().getSqlTypeName() == SqlTypeName.BOOLEAN;
    }
    if (!(condition instanceof RexCall call)) {
      return false;
    }
    return switch (call.getKind()) {
      case AND, OR, NOT -> call.getOperands().stream().allMatch(FieldConditions::isPushable);
      case IS_NULL, IS_NOT_NULL -> call.getOperands().get(0) instanceof RexInputRef;
      case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL ->
          comparison(call) != null;
      default -> false;
    };
  }

  /** The comparison a call is, if its other side is of the field's kind; else null. */
  private static InputComparison comparison(RexCall call) {
    InputComparison c = InputComparison.of(call);
    if (c == null) {
      return null;
    }
    SqlTypeFamily field = family(c.input());
    return field != null && field == family(c.operand()) ? c : null;
  }

  private static SqlTypeFamily family(RexNode node) {
    SqlTypeName type = node.getType().getSqlTypeName();
    if (SqlTypeName.NUMERIC_TYPES.contains(type)) {
      return SqlTypeFamily.NUMERIC;
    }
    if (SqlTypeName.CHAR_TYPES.contains(type)) {
      return SqlTypeFamily.CHARACTER;
    }
    return switch (type) {
      case BOOLEAN -> SqlTypeFamily.BOOLEAN;
      case TIMESTAMP -> SqlTypeFamily.TIMESTAMP;
      default -> null;
    };
  }

  /**
   * The filters as one test of a scan row (its columns, then its JSON fields from
   * {@code firstField}), with this execution's {@code ?} values.
   */
  static Predicate<Object[]> compile(List<EventQuery.FieldFilter> filters, List<EventQuery.JsonField> fields,
      int firstField, DataContext root) {
    List<Condition> conditions = new ArrayList<>();
    int[] positions = new int[filters.size()];
    for (int i = 0; i < filters.size(); i++) {
      conditions.add(condition(filters.get(i).condition(), fields.get(filters.get(i).field()).label(), root));
      positions[i] = firstField + filters.get(i).field();
    }
    return row -> {
      for (int i = 0; i < positions.length; i++) {
        if (conditions.get(i).test(row[positions[i]]) != Boolean.TRUE) {
          return false;
        }
      }
      return true;
    };
  }

  private static Condition condition(RexNode node, String column, DataContext root) {
    if (node instanceof RexInputRef) {
      return value -> (Boolean) value;
    }
    RexCall call = (RexCall) node;
    List<Condition> operands = new ArrayList<>();
    switch (call.getKind()) {
      case AND, OR, NOT -> call.getOperands().forEach(o -> operands.add(condition(o, column, root)));
      default -> { }
    }
    return switch (call.getKind()) {
      case AND -> value -> {
        Boolean result = Boolean.TRUE;
        for (Condition c : operands) {
          Boolean b = c.test(value);
          if (b == Boolean.FALSE) {
            return false;
          }
          result = b == null ? null : result;
        }
        return result;
      };
      case OR -> value -> {
        Boolean result = Boolean.FALSE;
        for (Condition c : operands) {
          Boolean b = c.test(value);
          if (b == Boolean.TRUE) {
            return true;
          }
          result = b == null ? null : result;
        }
        return result;
      };
      case NOT -> value -> {
        Boolean b = operands.get(0).test(value);
        return b == null ? null : !b;
      };
      case IS_NULL -> value -> value == null;
      case IS_NOT_NULL -> value -> value != null;
      default -> compared(comparison(call), column, root);
    };
  }

  private static Condition compared(InputComparison c, String column, DataContext root) {
    Object operand = operand(c.operand(), family(c.input()), column, root);
    if (operand == null) {
      return value -> null;
    }
    SqlKind kind = c.kind();
    return value -> {
      if (value == null) {
        return null;
      }
      int order = compare(value, operand);
      return switch (kind) {
        case EQUALS -> order == 0;
        case NOT_EQUALS -> order != 0;
        case LESS_THAN -> order < 0;
        case LESS_THAN_OR_EQUAL -> order <= 0;
        case GREATER_THAN -> order > 0;
        default -> order >= 0;
      };
    };
  }

  /**
   * The other side as the field's values are: Long or Double for numbers, String, Boolean, Long
   * milliseconds for a timestamp; null for NULL. A {@code ?} is taken as its type says, as Calcite
   * takes it without pushdown: 7.5 bound to a BIGINT parameter is 7, a number bound to a VARCHAR
   * one its text; a value that cannot be read so is refused, naming the column.
   */
  private static Object operand(RexNode node, SqlTypeFamily family, String column, DataContext root) {
    Object v = node instanceof RexLiteral literal ? literal.getValue4()
        : root.get(((RexDynamicParam) node).getName());
    if (v == null) {
      return null;
    }
    if (v instanceof NlsString s) {
      v = s.getValue();
    }
    return switch (family) {
      case CHARACTER -> v.toString();
      case NUMERIC -> number(v, SqlTypeName.INT_TYPES.contains(node.getType().getSqlTypeName()), column);
      case BOOLEAN -> bool(v, column);
      default -> millis(v, column);
    };
  }

  /** A whole number as a Long, any other as a Double (a whole one only if {@code whole}). */
  private static Object number(Object v, boolean whole, String column) {
    BigDecimal exact;
    try {
      exact = v instanceof BigDecimal d ? d : new BigDecimal(v.toString().trim());
    } catch (NumberFormatException e) {
      throw refused(v, column, "numbers", "a number");
    }
    if (whole) {
      return exact.longValue();
    }
    try {
      return exact.longValueExact();
    } catch (ArithmeticException notWhole) {
      return exact.doubleValue();
    }
  }

  private static Boolean bool(Object v, String column) {
    if (v instanceof Boolean b) {
      return b;
    }
    String text = v.toString().trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.valueOf(text);
    }
    throw refused(v, column, "booleans", "true or false");
  }

  private static Long millis(Object v, String column) {
    Long millis = TimestampParameters.millis(v);
    if (millis == null) {
      throw refused(v, column, "timestamps", "a java.sql.Timestamp");
    }
    return millis;
  }

  private static RuntimeException refused(Object v, String column, String holds, String bind) {
    return SqlErrors.of(SqlErrors.INVALID_PARAMETER, "'" + v + "' (" + v.getClass().getSimpleName() + ") cannot be"
        + " compared with " + column + ", which holds " + holds + "; bind " + bind);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object value, Object operand) {
    if (value instanceof Number a && operand instanceof Number b) {
      if (a instanceof Long x && b instanceof Long y) {
        return Long.compare(x, y);
      }
      double x = a.doubleValue();
      double y = b.doubleValue();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return ((Comparable) value).compareTo(operand);
  }
}
