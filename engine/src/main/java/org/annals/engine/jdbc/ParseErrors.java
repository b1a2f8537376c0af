package org.annals.engine.jdbc;

import java.io.StringReader;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.impl.SqlParserImpl;

/**
 * Calcite's parse errors made to say what a user needs to mend the statement. Stateless.
 */
final class ParseErrors {
  private static final Pattern ENCOUNTERED = Pattern.compile("^Encountered \"([A-Za-z_]+)\" at ");
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
   *   <li>naming a reserved word met where a name was expected ({@code SELECT 1 AS value}), and
   *       how to use it as a name;
   *   <li>saying what a statement may start with, where Calcite took an unknown first word for an
   *       expression ({@code SELEC 1}).
   * </ul>
   */
  static String explained(String message, String sql) {
    int list = message.indexOf("\nWas expecting");
    String shorter = list < 0 ? message : message.substring(0, list).trim();
    if (shorter.endsWith("Non-query expression encountered in illegal context")) {
      return "not a statement Annals can run: it starts with none of SELECT, WITH, VALUES, INSERT, EXPLAIN"
          + (sql == null ? "" : " (the statement: " + sql.strip() + ")");
    }
    Matcher word = ENCOUNTERED.matcher(shorter);
    if (word.find() && GRAMMAR.isReservedWord(word.group(1).toUpperCase(Locale.ROOT))) {
      String name = word.group(1);
      return shorter + " \"" + name + "\" is a reserved word in SQL; to use it as a name, write it in double quotes"
          + " (\"" + name.toLowerCase(Locale.ROOT) + "\")";
    }
    return shorter;
  }
}
