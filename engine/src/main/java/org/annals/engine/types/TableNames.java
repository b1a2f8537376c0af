package org.annals.engine.types;

import java.util.Set;
import java.util.stream.Collectors;
import org.annals.storage.event.EventColumn;

/**
 * Names in schema {@code types}: a table is its stream's name, an underscore and its event type
 * in snake case ({@code orders} and {@code OrderPlaced} make {@code orders_order_placed}), in
 * lower case with every character but letters, digits and underscores made an underscore, so
 * that SQL can name it without quotes. A column is its field's name, or {@code payload_} and the
 * field's name where that is an envelope column's.
 */
public final class TableNames {
  private static final Set<String> ENVELOPE =
      EventColumn.ALL.stream().map(EventColumn::columnName).collect(Collectors.toUnmodifiableSet());

  private TableNames() {}

  public static String table(String stream, String eventType) {
    return snake(stream) + "_" + snake(eventType);
  }

  public static String column(String field) {
    return ENVELOPE.contains(field) ? "payload_" + field : field;
  }

  /** {@code OrderPlaced} is {@code order_placed}, {@code HTTPRequest} {@code http_request}, {@code a-b} {@code a_b}. */
  static String snake(String name) {
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        char before = name.charAt(i - 1);
        boolean wordEnds = Character.isLowerCase(before) || Character.isDigit(before)
            || (Character.isUpperCase(before) && i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1)));
        if (wordEnds && out.charAt(out.length() - 1) != '_') {
          out.append('_');
        }
      }
      char lower = Character.toLowerCase(c);
      out.append((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') ? lower : '_');
    }
    return out.toString();
  }
}
