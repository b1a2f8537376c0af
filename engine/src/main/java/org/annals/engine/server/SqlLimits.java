package org.annals.engine.server;

import org.annals.engine.sql.SqlErrors;

/**
 * Refuses SQL text too long or too deeply nested for the server's {@link ServerLimits}, before
 * Calcite spends time or stack on it: an 11 MB IN list took 93 CPU seconds to plan, and thousands
 * of nested parentheses overflow the parser's stack. The SQLStates are PostgreSQL's
 * (54000 program limit exceeded, 54001 statement too complex). Stateless.
 */
final class SqlLimits {

  private SqlLimits() {}

  static void check(String sql, ServerLimits limits) {
    if (sql == null) {
      return;
    }
    if (sql.length() > limits.maxSqlChars()) {
      throw SqlErrors.of(SqlErrors.TOO_LARGE, "the statement is " + sql.length() + " characters long, more than the "
          + limits.maxSqlChars() + " a statement may have (--max-sql-chars); pass long lists of values as a"
          + " prepared statement's parameters or in several statements");
    }
    int depth = 0;
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        // A literal or quoted name: parentheses in it are text. A doubled quote closes and reopens.
        int close = sql.indexOf(c, i + 1);
        i = close < 0 ? sql.length() : close + 1;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? sql.length() : end + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? sql.length() : end + 2;
      } else {
        if (c == '(' && ++depth > limits.maxSqlDepth()) {
          throw SqlErrors.of(SqlErrors.TOO_COMPLEX, "the statement nests parentheses more than " + limits.maxSqlDepth()
              + " deep, the most allowed (--max-sql-depth)");
        } else if (c == ')') {
          // Unbalanced closing parentheses are the parser's to report; they must not buy depth.
          depth = Math.max(0, depth - 1);
        }
        i++;
      }
    }
  }
}
