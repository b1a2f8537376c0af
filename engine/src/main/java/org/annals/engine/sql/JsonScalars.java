package org.annals.engine.sql;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the scalar values at several simple paths ({@code $.a}, {@code $.a.b}) of a UTF-8 JSON
 * document in one pass, building no tree: what {@code JSON_VALUE(payload, '$.a.b')} returns for
 * each path, as Calcite computes it (lax mode, NULL on empty and on error): a string's text, a
 * number as Java prints the Integer, Long, BigInteger or Double that Jackson reads, true or
 * false; null for a JSON null, an object or an array (unless its JSON text is asked for), a
 * missing field or a document that does not parse. A key that appears twice counts as its last occurrence, as when Jackson reads a map.
 * Calcite parses the document into a tree for every call; a query asking for two fields of a
 * million payloads built two million trees. Not thread-safe: one per scan; it reuses its state.
 */
final class JsonScalars {
  /**
   * Containers nested in each other at most, as Jackson reads them (its default limit): Calcite's
   * JSON_VALUE gives NULL for a deeper document, and so does this.
   */
  private static final int MAX_NESTING = 1000;

  /** Per path, the UTF-8 bytes of each field name. */
  private final byte[][][] paths;
  /**
   * The paths (a bit each) read as JSON text: an object or array whole rather than null, a
   * number as the document writes it rather than as Java prints it.
   */
  private final long textPaths;
  /** Whether the last {@link #scalar} was a number, whose text {@link #printed} gives as Java prints it. */
  private boolean number;
  private String[] out;
  private byte[] json;
  private int pos;
  private int end;

  /** The ASCII characters of a JSON number, and of a number, true, false or null. */
  private static final boolean[] NUMBER_CHARS = ascii("+-.0123456789eE");
  private static final boolean[] SCALAR_CHARS = ascii("+-.0123456789eEtrufalsn");

  /** Paths one pass reads at most: which of them are still open is a bit each in a long. */
  static final int MAX_PATHS = 64;

  /** @param paths each path's field names, outermost first */
  JsonScalars(List<List<String>> paths) {
    this(paths, 0);
  }

  /**
   * @param textPaths a bit per path (bit i for path i) read as JSON text, as a typed table's
   *     columns read it: an object or array whole, a number as written (its column parses it once)
   */
  JsonScalars(List<List<String>> paths, long textPaths) {
    this.textPaths = textPaths;
    if (paths.size() > MAX_PATHS) {
      throw new IllegalArgumentException("at most " + MAX_PATHS + " paths per document, not " + paths.size());
    }
    this.paths = new byte[paths.size()][][];
    for (int i = 0; i < paths.size(); i++) {
      List<String> names = paths.get(i);
      this.paths[i] = new byte[names.size()][];
      for (int j = 0; j < names.size(); j++) {
        this.paths[i][j] = names.get(j).getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * The field names of a simple JSON path ({@code $.a.b}, optionally after {@code lax}), or null
   * for anything else (strict mode, array steps, wildcards, quoted names).
   */
  static List<String> simplePath(String path) {
    String p = path.strip();
    if (p.regionMatches(true, 0, "lax ", 0, 4)) {
      p = p.substring(4).strip();
    }
    if (!p.startsWith("$.") || !p.substring(2).matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
      return null;
    }
    return List.of(p.substring(2).split("\\."));
  }

  /** Fills {@code values[i]} with path i's value in the document {@code bytes[offset, offset+length)}. */
  void read(byte[] bytes, int offset, int length, String[] values) {
    java.util.Arrays.fill(values, null);
    this.json = bytes;
    this.pos = offset;
    this.end = offset + length;
    this.out = values;
    long all = paths.length == MAX_PATHS ? -1L : (1L << paths.length) - 1;
    try {
      skipSpace();
      value(all, 0);
    } catch (RuntimeException malformed) {
      // NULL ON ERROR: a document that does not parse yields no value at any path.
      java.util.Arrays.fill(values, null);
    }
  }

  /**
   * Reads one value at depth {@code depth}; {@code active} are the paths whose first
   * {@code depth} names led here.
   */
  private void value(long active, int depth) {
    byte b = peek();
    if (b == '{' || b == '[') {
      checkNesting(depth);
      int start = pos;
      if (b == '{') {
        object(active, depth);
      } else {
        skipArray(depth);
      }
      long asText = active & textPaths;
      for (int i = 0; asText != 0 && i < paths.length; i++) {
        if ((asText & (1L << i)) != 0 && paths[i].length == depth) {
          out[i] = new String(json, start, pos - start, StandardCharsets.UTF_8);
        }
      }
      return;
    }
    String scalar = scalar();
    String printed = null;
    for (int i = 0; i < paths.length; i++) {
      if ((active & (1L << i)) != 0 && paths[i].length == depth) {
        if (!number || (textPaths & (1L << i)) != 0) {
          out[i] = scalar;
        } else {
          printed = printed == null ? printed(scalar) : printed;
          out[i] = printed;
        }
      }
    }
  }

  private void object(long active, int depth) {
    pos++;
    skipSpace();
    if (peek() == '}') {
      pos++;
      return;
    }
    while (true) {
      expect('"');
      int keyStart = pos;
      boolean escaped = skipString();
      int keyEnd = pos - 1;
      skipSpace();
      expect(':');
      skipSpace();
      long next = 0;
      for (int i = 0; i < paths.length; i++) {
        if ((active & (1L << i)) != 0 && paths[i].length > depth
            && nameEquals(paths[i][depth], keyStart, keyEnd, escaped)) {
          next |= 1L << i;
          out[i] = null;
        }
      }
      if (next == 0) {
        skipValue(depth + 1);
      } else {
        value(next, depth + 1);
      }
      skipSpace();
      if (peek() == ',') {
        pos++;
        skipSpace();
        continue;
      }
      expect('}');
      return;
    }
  }

  private boolean nameEquals(byte[] name, int from, int to, boolean escaped) {
    if (escaped) {
      return new String(name, StandardCharsets.UTF_8).equals(decode(from, to));
    }
    if (to - from != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (json[from + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** A container opened at {@code depth} (the document itself at 0) is nested depth + 1 deep. */
  private static void checkNesting(int depth) {
    if (depth + 1 > MAX_NESTING) {
      throw new IllegalArgumentException("nested deeper than " + MAX_NESTING);
    }
  }

  private void skipValue(int depth) {
    byte b = peek();
    if (b == '{') {
      checkNesting(depth);
      object(0, depth);
    } else if (b == '[') {
      checkNesting(depth);
      skipArray(depth);
    } else if (b == '"') {
      pos++;
      skipString();
    } else {
      while (pos < end && (json[pos] & 0xff) < 128 && SCALAR_CHARS[json[pos]]) {
        pos++;
      }
    }
  }

  private void skipArray(int depth) {
    pos++;
    skipSpace();
    if (peek() == ']') {
      pos++;
      return;
    }
    while (true) {
      skipValue(depth + 1);
      skipSpace();
      if (peek() == ',') {
        pos++;
        skipSpace();
        continue;
      }
      expect(']');
      return;
    }
  }

  /** A scalar's text (a number's as the document writes it), or null for JSON null. */
  private String scalar() {
    number = false;
    byte b = peek();
    if (b == '"') {
      pos++;
      int start = pos;
      boolean escaped = skipString();
      return escaped ? decode(start, pos - 1) : new String(json, start, pos - 1 - start, StandardCharsets.UTF_8);
    }
    if (matches("true")) {
      return "true";
    }
    if (matches("false")) {
      return "false";
    }
    if (matches("null")) {
      return null;
    }
    int start = pos;
    while (pos < end && (json[pos] & 0xff) < 128 && NUMBER_CHARS[json[pos]]) {
      pos++;
    }
    if (pos == start) {
      throw new IllegalArgumentException("not a value");
    }
    number = true;
    return new String(json, start, pos - start, StandardCharsets.US_ASCII);
  }

  private static boolean[] ascii(String chars) {
    boolean[] table = new boolean[128];
    for (char c : chars.toCharArray()) {
      table[c] = true;
    }
    return table;
  }

  /** A number's JSON_VALUE text: as Java prints the BigInteger or Double that Jackson reads. */
  private static String printed(String number) {
    boolean fraction = number.indexOf('.') >= 0 || number.indexOf('e') >= 0 || number.indexOf('E') >= 0;
    return fraction ? Double.toString(Double.parseDouble(number)) : new BigInteger(number).toString();
  }

  private boolean matches(String literal) {
    if (end - pos < literal.length()) {
      return false;
    }
    for (int i = 0; i < literal.length(); i++) {
      if (json[pos + i] != literal.charAt(i)) {
        return false;
      }
    }
    pos += literal.length();
    return true;
  }

  /** Moves past a string whose opening quote is behind; true if it holds an escape. */
  private boolean skipString() {
    boolean escaped = false;
    while (true) {
      byte b = peek();
      pos++;
      if (b == '"') {
        return escaped;
      }
      if (b == '\\') {
        escaped = true;
        pos++;
      }
    }
  }

  /** The text of string content [from, to) with its escapes resolved. */
  private String decode(int from, int to) {
    String raw = new String(json, from, to - from, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = raw.charAt(++i);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'u' -> {
          sb.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> sb.append(e);
      }
    }
    return sb.toString();
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new IllegalArgumentException("expected " + c);
    }
    pos++;
  }

  /** The byte at the read position; a document that ends early does not parse. */
  private byte peek() {
    if (pos >= end) {
      throw new IllegalArgumentException("the document ends early");
    }
    return json[pos];
  }

  private void skipSpace() {
    while (pos < end && (json[pos] == ' ' || json[pos] == '\n' || json[pos] == '\r' || json[pos] == '\t')) {
      pos++;
    }
  }
}
