package org.annals.engine.types;

/**
 * One top-level payload field of an event type, as the typed table shows it.
 *
 * @param field the field's name in the payload
 * @param column the column's name: the field's, or {@code payload_} and the field's where that
 *     is an envelope column's name
 * @param type the type every value seen fits ({@link FieldType#widen})
 * @param events how many of the type's events gave the field a value other than null
 * @param firstGlobalSeq where the field first held a value: columns are in this order, so a field
 *     that appears later is a new last column
 * @param firstType the type of that first value
 * @param widenedAt the global_seq of the first value that did not fit {@code firstType}, or -1
 */
public record TypedField(String field, String column, FieldType type, long events, long firstGlobalSeq,
    FieldType firstType, long widenedAt) {

  /** Whether the column's type is wider than the type of the field's first value. */
  public boolean widened() {
    return widenedAt >= 0;
  }

  /** What {@code REMARKS} says of the column: where it comes from, how often it is set, how its type grew. */
  public String remarks(long typeEvents) {
    String seen = typeEvents == 0 ? "0" : percent(100.0 * events / typeEvents);
    String remark = "from payload field " + field + "; seen in " + seen + " % of events";
    if (type == FieldType.JSON) {
      remark += "; JSON text";
    }
    return widened() ? remark + "; widened from " + firstType.label() + " at global_seq " + widenedAt : remark;
  }

  /** A share with one decimal, but never 100 or 0 for a share that is neither. */
  private static String percent(double share) {
    if (share > 99.9 && share < 100) {
      return ">99.9";
    }
    if (share > 0 && share < 0.1) {
      return "<0.1";
    }
    String text = String.format(java.util.Locale.ROOT, "%.1f", share);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
