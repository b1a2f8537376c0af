package org.annals.engine.sql;

import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * A two-operand condition between an input and a literal or {@code ?}, written input first
 * ({@code 5 < seq} becomes {@code seq > 5}): the form of every comparison a scan applies.
 */
record InputComparison(RexInputRef input, SqlKind kind, RexNode operand) {
  /** The comparison a condition is, or null if it compares anything else. */
  static InputComparison of(RexNode condition) {
    if (!(condition instanceof RexCall call) || call.getOperands().size() != 2) {
      return null;
    }
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    SqlKind kind = call.getKind();
    if (!(left instanceof RexInputRef) && right instanceof RexInputRef) {
      RexNode swap = left;
      left = right;
      right = swap;
      kind = kind.reverse();
    }
    if (!(left instanceof RexInputRef input) || !(right instanceof RexLiteral || right instanceof RexDynamicParam)) {
      return null;
    }
    return new InputComparison(input, kind, right);
  }
}
