package org.annals.engine.server;

import org.annals.engine.sql.SqlErrors;

/**
 * Refuses SQL text too long or too deeply nested for the server's {@link ServerLimits}, before
 * Calcite spends time or stack on it: an 11 MB IN list took 93 CPU seconds to plan, and thousands
 * of nested parentheses overflow the parser's stack. The SQLStates are PostgreSQL's
 * (54000 program limit exceeded, 54001 statement too complex). Stateless.
 */
final class SqlLimits {
  private static final String TOO_LONG = "54000";
  private static final String TOO_COMPLEX = "54001";

  private SqlLimits() {}

  static void check(String sql, ServerLimits limits) {
    if (sql == null) {
      return;
    }
    if (sql.length() > limits.maxSqlChars()) {
      throw SqlErrors.of(TOO_LONG, "the statement is " + sql.length() + " characters long, more than the "
          + limits.maxSqlChars() + " a statement may have (--max-sql-chars); pass long lists of values as a"
          + " prepared statement's parameters or in several statements");
    }
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (quote != 0) {
        // A doubled quote inside a literal reads as two toggles, which leave the state unchanged.
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' && ++depth > limits.maxSqlDepth()) {
        throw SqlErrors.of(TOO_COMPLEX, "the statement nests parentheses more than " + limits.maxSqlDepth()
            + " deep, the most allowed (--max-sql-depth)");
      } else if (c == ')') {
        depth--;
      }
    }
  }
}
