package org.annals.storage.event;

/**
 * A fast, allocation-free check that UTF-8 bytes are exactly one JSON object (RFC 8259), run for
 * every payload and metadata on the append path, where creating a Jackson parser per document
 * cost more than everything else the validator does.
 *
 * <p>It is conservative: it accepts only text that Jackson's default parser also accepts (the
 * tests compare the two on generated and mutated documents), and answers {@code false} for
 * anything else, including rare forms it does not bother with (a byte order mark, escaped
 * surrogates, nesting deeper than {@link #MAX_DEPTH}, numbers longer than
 * {@link #MAX_NUMBER_CHARS}, member names longer than {@link #MAX_NAME_BYTES}). The caller then
 * asks Jackson, whose verdict and error message are final. Input comes from Java strings through
 * a strict encoder, so it is valid UTF-8 and bytes above 0x7F need no checks here.
 */
final class JsonObjectSyntax {
  /**
   * Deeper nesting is left to Jackson, which enforces its own limit. The open containers are
   * kept as bits of one long, so that checking a document allocates nothing.
   */
  static final int MAX_DEPTH = 64;
  /** Longer numbers are left to Jackson, which enforces its own limit. */
  static final int MAX_NUMBER_CHARS = 500;
  /** Longer member names (in UTF-8 bytes, escapes undecoded) are left to Jackson, which limits them. */
  static final int MAX_NAME_BYTES = 1000;

  private final byte[] json;
  private int pos;

  private JsonObjectSyntax(byte[] json) {
    this.json = json;
  }

  /** Whether the bytes are certainly one JSON object with only whitespace around it. */
  static boolean isObject(byte[] json) {
    return new JsonObjectSyntax(json).object();
  }

  private boolean object() {
    skipWhitespace();
    if (pos >= json.length || json[pos] != '{') {
      return false;
    }
    long objects = 0; // bit d is set when the container at depth d is an object, clear for an array
    int depth = 0;
    // Each pass reads one value's opening or a scalar, then the separators after it.
    boolean needValue = true;
    while (true) {
      if (needValue) {
        byte b = pos < json.length ? json[pos] : 0;
        if (b == '{' || b == '[') {
          if (depth == MAX_DEPTH) {
            return false;
          }
          objects = b == '{' ? objects | 1L << depth : objects & ~(1L << depth);
          depth++;
          pos++;
          skipWhitespace();
          byte close = b == '{' ? (byte) '}' : (byte) ']';
          if (pos < json.length && json[pos] == close) {
            pos++;
            depth--;
          } else if (b == '{' && !member()) {
            return false;
          } else {
            continue;
          }
        } else if (!scalar()) {
          return false;
        }
      }
      skipWhitespace();
      if (depth == 0) {
        return pos == json.length;
      }
      if (pos >= json.length) {
        return false;
      }
      byte b = json[pos++];
      boolean inObject = (objects >>> (depth - 1) & 1) != 0;
      if (b == ',') {
        skipWhitespace();
        if (inObject && !member()) {
          return false;
        }
        needValue = true;
      } else if (b == (inObject ? '}' : ']')) {
        depth--;
        needValue = false;
      } else {
        return false;
      }
    }
  }

  /** A member's name and colon, leaving the position at its value. */
  private boolean member() {
    int start = pos;
    if (!string() || pos - start - 2 > MAX_NAME_BYTES) {
      return false;
    }
    skipWhitespace();
    if (pos >= json.length || json[pos] != ':') {
      return false;
    }
    pos++;
    skipWhitespace();
    return true;
  }

  private boolean scalar() {
    if (pos >= json.length) {
      return false;
    }
    return switch (json[pos]) {
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
    };
  }

  /** Reads a string; its loop keeps the position in a local, since strings are most of a document. */
  private boolean string() {
    byte[] b = json;
    int p = pos;
    if (p >= b.length || b[p] != '"') {
      return false;
    }
    p++;
    while (p < b.length) {
      byte c = b[p++];
      if (c == '"') {
        pos = p;
        return true;
      }
      if (c == '\\') {
        if (p >= b.length) {
          return false;
        }
        switch (b[p++]) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
          case 'u' -> {
            int code = 0;
            for (int i = 0; i < 4; i++) {
              int digit = p < b.length ? Character.digit(b[p++], 16) : -1;
              if (digit < 0) {
                return false;
              }
              code = code << 4 | digit;
            }
            // Jackson refuses escaped surrogates in names but not in values; leave both to it.
            if (Character.isSurrogate((char) code)) {
              return false;
            }
          }
          default -> {
            return false;
          }
        }
      } else if (c >= 0 && c < 0x20) {
        return false;
      }
    }
    return false;
  }

  private boolean literal(String word) {
    if (pos + word.length() > json.length) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (json[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    pos += word.length();
    return true;
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private boolean number() {
    int start = pos;
    if (pos < json.length && json[pos] == '-') {
      pos++;
    }
    if (pos < json.length && json[pos] == '0') {
      pos++;
    } else if (digits() == 0) {
      return false;
    }
    if (pos < json.length && json[pos] == '.') {
      pos++;
      if (digits() == 0) {
        return false;
      }
    }
    if (pos < json.length && (json[pos] == 'e' || json[pos] == 'E')) {
      pos++;
      if (pos < json.length && (json[pos] == '+' || json[pos] == '-')) {
        pos++;
      }
      if (digits() == 0) {
        return false;
      }
    }
    return pos - start <= MAX_NUMBER_CHARS;
  }

  private int digits() {
    int start = pos;
    while (pos < json.length && json[pos] >= '0' && json[pos] <= '9') {
      pos++;
    }
    return pos - start;
  }

  private void skipWhitespace() {
    while (pos < json.length) {
      byte b = json[pos];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return;
      }
      pos++;
    }
  }
}
