package org.annals.storage.event;

import java.util.regex.Pattern;

/**
 * The rule for stream names. A stream name becomes a folder name, so anything outside the rule is
 * refused before it can touch the file system.
 */
public final class StreamName {
  public static final String RULE = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";
  private static final Pattern PATTERN = Pattern.compile(RULE);

  private StreamName() {}

  public static boolean isValid(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }

  /** Returns the name if it is valid, else throws an exception that quotes it and the rule. */
  public static String check(String name) {
    if (!isValid(name)) {
      throw new InvalidEventException("invalid stream name " + quote(name)
          + ": a stream name is 1 to 128 characters, starts with a letter or digit and has only"
          + " letters, digits, '_', '.' and '-' (pattern " + RULE + ")");
    }
    return name;
  }

  private static String quote(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("'");
    int shown = Math.min(name.length(), 140);
    for (int i = 0; i < shown; i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(name.length() > shown ? "...'" : "'").toString();
  }
}
