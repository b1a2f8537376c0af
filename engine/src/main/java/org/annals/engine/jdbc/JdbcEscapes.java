package org.annals.engine.jdbc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Rewrites the two JDBC escapes Calcite's grammar does not know into the SQL they stand for:
 * {@code {oj <join>}} becomes the join itself, and {@code {escape 'c'}} after a LIKE becomes
 * {@code ESCAPE 'c'}. Other escapes ({@code {fn ...}}, {@code {d ...}}, {@code {ts ...}}) are
 * Calcite's. Text inside string literals, quoted identifiers and comments is left alone. Error
 * positions in a rewritten statement count from the rewritten text. Stateless.
 */
final class JdbcEscapes {
  private JdbcEscapes() {}

  static String rewrite(String sql) {
    if (sql.indexOf('{') < 0) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length());
    // For each open brace: whether its closing brace is to be dropped (an escape rewritten here).
    Deque<Boolean> braces = new ArrayDeque<>();
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      int skipped = skipQuotedOrComment(sql, i);
      if (skipped > i) {
        out.append(sql, i, skipped);
        i = skipped;
      } else if (c == '{') {
        String keyword = keywordAfter(sql, i + 1);
        if (keyword.equals("oj") || keyword.equals("escape")) {
          int end = sql.toLowerCase(Locale.ROOT).indexOf(keyword, i) + keyword.length();
          out.append(keyword.equals("escape") ? " ESCAPE" : " ");
          braces.push(true);
          i = end;
        } else {
          braces.push(false);
          out.append(c);
          i++;
        }
      } else if (c == '}' && !braces.isEmpty()) {
        out.append(braces.pop() ? ' ' : c);
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** The word after an open brace (and any blanks), in lower case; empty if none. */
  private static String keywordAfter(String sql, int from) {
    int start = from;
    while (start < sql.length() && Character.isWhitespace(sql.charAt(start))) {
      start++;
    }
    int end = start;
    while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
      end++;
    }
    return sql.substring(start, end).toLowerCase(Locale.ROOT);
  }

  /** The index after the literal, quoted identifier or comment that starts at {@code i}, or {@code i} if none does. */
  private static int skipQuotedOrComment(String sql, int i) {
    char c = sql.charAt(i);
    if (c == '\'' || c == '"') {
      int j = i + 1;
      while (j < sql.length()) {
        if (sql.charAt(j) == c) {
          if (j + 1 < sql.length() && sql.charAt(j + 1) == c) {
            j += 2; // a doubled quote stands for itself
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return sql.length();
    }
    if (sql.startsWith("--", i)) {
      int end = sql.indexOf('\n', i);
      return end < 0 ? sql.length() : end + 1;
    }
    if (sql.startsWith("/*", i)) {
      int end = sql.indexOf("*/", i + 2);
      return end < 0 ? sql.length() : end + 2;
    }
    return i;
  }
}
