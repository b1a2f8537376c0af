package org.annals.engine.jdbc;

import java.io.StringReader;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.impl.SqlParserImpl;

/**
 * Calcite's parse errors made to say what a user needs to mend the statement. Stateless.
 */
final class ParseErrors {
  private static final Pattern ENCOUNTERED = Pattern.compile(
      "^Encountered \"([A-Za-z_]+)\" at line (\\d+), column (\\d+)");
  /** A name given with AS, where any reserved word is meant as a name. */
  private static final Pattern AFTER_AS = Pattern.compile("(?is).*\\bAS\\s+$");
  /**
   * Words that shape a statement, which a reserved word found where a name goes is more likely a
   * slip before ({@code SELECT a, FROM t}) than a name.
   */
  private static final Set<String> STRUCTURE = Set.of("FROM", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT",
      "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "SELECT", "JOIN", "INNER", "LEFT", "RIGHT", "FULL",
      "CROSS", "ON", "AND", "OR", "NOT", "BY", "AS", "WITH", "INSERT", "INTO", "VALUES", "CASE", "WHEN", "THEN",
      "ELSE", "END", "DISTINCT", "ALL", "WINDOW", "OVER", "PARTITION", "IS", "NULL", "IN", "BETWEEN", "LIKE");
  /**
   * Where a name is expected: after AS, SELECT, a comma, a point, an opening parenthesis, BY,
   * WHERE, AND, OR, ON or a comparison; a reserved word there is most often meant as a name (a
   * payload field {@code value} is a typed table's column).
   */
  private static final Pattern BEFORE_A_NAME = Pattern.compile(
      "(?is).*(\\bAS|\\bSELECT|\\bDISTINCT|\\bBY|\\bWHERE|\\bAND|\\bOR|\\bON|[,.(=<>])\\s*$");
  private static final Pattern STATEMENT_START = Pattern.compile(
      "(?is)^\\s*(\\(\\s*)*(SELECT|WITH|VALUES|INSERT|EXPLAIN|UPSERT|DESCRIBE|TABLE)\\b.*");
  private static final Pattern NO_COLUMN = Pattern.compile("Column '([^']+)' not found in any table$");
  private static final SqlAbstractParserImpl.Metadata GRAMMAR =
      SqlParserImpl.FACTORY.getParser(new StringReader("")).getMetadata();

  private ParseErrors() {}

  /**
   * The message, shortened and explained where Calcite's says little:
   *
   * <ul>
   *   <li>without the list of every token the parser would have taken there, which Calcite
   *       appends (about 150 lines after {@code SELECT FROM events}) and which buries the line
   *       that says where the error is;
   *   <li>naming a reserved word given where a name goes ({@code SELECT 1 AS value},
   *       {@code SELECT value FROM ...}), and how to use it as a name;
   *   <li>saying that double quotes name a column where a text in them was taken for one
   *       ({@code WHERE event_type = "OrderPlaced"});
   *   <li>saying how to give {@code FOR SYSTEM_TIME AS OF} a {@code ?}, which alone has no type;
   *   <li>saying what a statement may start with, where Calcite took an unknown first word for an
   *       expression ({@code SELEC 1}); a known first word keeps Calcite's message
   *       ({@code SELECT 1 UNION 2}).
   * </ul>
   */
  static String explained(String message, String sql) {
    int list = message.indexOf("\nWas expecting");
    String shorter = list < 0 ? message : message.substring(0, list).trim();
    if (shorter.endsWith("Non-query expression encountered in illegal context")
        && sql != null && !STATEMENT_START.matcher(sql).matches()) {
      return "not a statement Annals can run: it starts with none of SELECT, WITH, VALUES, INSERT, EXPLAIN"
          + (sql == null ? "" : " (the statement: " + sql.strip() + ")");
    }
    Matcher column = NO_COLUMN.matcher(shorter);
    if (column.find() && sql != null && sql.contains("\"" + column.group(1) + "\"")) {
      return shorter + "; double quotes name a column: a text value goes in single quotes ('"
          + column.group(1) + "')";
    }
    if (shorter.endsWith("The system time period specification expects Timestamp type but is 'UNKNOWN'")) {
      // A ? alone has no type for Calcite to check there.
      return shorter + "; write a ? parameter as FOR SYSTEM_TIME AS OF CAST(? AS TIMESTAMP)";
    }
    Matcher word = ENCOUNTERED.matcher(shorter);
    if (word.find() && GRAMMAR.isReservedWord(word.group(1).toUpperCase(Locale.ROOT))
        && (afterAs(sql, Integer.parseInt(word.group(2)), Integer.parseInt(word.group(3)))
            || !STRUCTURE.contains(word.group(1).toUpperCase(Locale.ROOT))
            && whereANameGoes(sql, Integer.parseInt(word.group(2)), Integer.parseInt(word.group(3))))) {
      String name = word.group(1);
      return shorter + " \"" + name + "\" is a reserved word in SQL; to use it as a name, write it in double quotes"
          + " (\"" + name.toLowerCase(Locale.ROOT) + "\")";
    }
    return shorter;
  }

  /** Whether the word at {@code line}, {@code column} (1-based) of {@code sql} follows AS. */
  private static boolean afterAs(String sql, int line, int column) {
    return precededBy(AFTER_AS, sql, line, column);
  }

  /** Whether the word at {@code line}, {@code column} (1-based) of {@code sql} stands where a name goes. */
  private static boolean whereANameGoes(String sql, int line, int column) {
    return precededBy(BEFORE_A_NAME, sql, line, column);
  }

  private static boolean precededBy(Pattern before, String sql, int line, int column) {
    if (sql == null) {
      return false;
    }
    int offset = 0;
    for (int l = 1; l < line && offset >= 0; l++) {
      offset = sql.indexOf('\n', offset);
      offset = offset < 0 ? -1 : offset + 1;
    }
    if (offset < 0) {
      return false;
    }
    return before.matcher(sql.substring(0, Math.min(sql.length(), offset + column - 1))).matches();
  }
}
