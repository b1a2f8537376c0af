package org.annals.engine.jdbc;

import java.io.Reader;
import java.util.Locale;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJdbcFunctionCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParserImplFactory;
import org.apache.calcite.sql.parser.impl.SqlParserImpl;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.SourceStringReader;

/**
 * Calcite's SQL parser, with functions found whatever the case their name is written in, as in
 * every other database. Calcite looks a function up by its name as the parser left it after
 * folding identifiers, and Annals folds unquoted names to lower case (its tables and columns are
 * lower case), while function tables are upper case: every function the grammar does not know by
 * keyword failed, {@code concat(a, b)} and {@code CONCAT(a, b)} alike, and so did every JDBC
 * escape ({@code {fn UCASE(x)}}, which Tableau and Power BI send) but {@code TIMESTAMPADD} and
 * {@code TIMESTAMPDIFF}, though {@code DatabaseMetaData.getStringFunctions()} advertised them.
 * Unquoted function names and escape names are therefore turned to upper case after parsing;
 * a quoted function name stays as written. The outer-join and LIKE escapes, which the grammar does
 * not know, are rewritten before parsing ({@link JdbcEscapes}).
 */
public final class AnnalsParserImpl extends SqlParserImpl {
  /** The factory Calcite's {@code parserFactory} setting names. */
  public static final SqlParserImplFactory FACTORY = AnnalsParserImpl::create;

  private static final SqlShuttle ESCAPES = new SqlShuttle() {
    @Override
    public SqlNode visit(SqlCall call) {
      if (call.getOperator() instanceof SqlUnresolvedFunction function
          && !function.getSqlIdentifier().isComponentQuoted(function.getSqlIdentifier().names.size() - 1)) {
        SqlIdentifier name = function.getSqlIdentifier();
        SqlIdentifier upper = name.setName(name.names.size() - 1,
            name.names.get(name.names.size() - 1).toUpperCase(Locale.ROOT));
        SqlUnresolvedFunction resolvable = new SqlUnresolvedFunction(upper, null, null, null, null,
            function.getFunctionType());
        return resolvable.createCall(call.getFunctionQuantifier(), call.getParserPosition(), operands(call));
      }
      if (call.getOperator() instanceof SqlJdbcFunctionCall escape) {
        String name = escape.getName();
        // The operator's name is "{fn name}".
        String jdbcName = name.substring("{fn ".length(), name.length() - 1).toUpperCase(Locale.ROOT);
        return new SqlJdbcFunctionCall(jdbcName).createCall(call.getFunctionQuantifier(), call.getParserPosition(),
            operands(call));
      }
      return super.visit(call);
    }

    private SqlNode[] operands(SqlCall call) {
      return call.getOperandList().stream().map(o -> o == null ? null : o.accept(this)).toArray(SqlNode[]::new);
    }
  };

  private AnnalsParserImpl(Reader reader) {
    super(reader);
  }

  /**
   * As Calcite's own factory makes a parser (with the SQL text at hand for error messages), after
   * {@link JdbcEscapes} has rewritten the escapes Calcite's grammar does not know.
   */
  private static SqlAbstractParserImpl create(Reader reader) {
    if (!(reader instanceof SourceStringReader source)) {
      return new AnnalsParserImpl(reader);
    }
    String sql = JdbcEscapes.rewrite(source.getSourceString());
    AnnalsParserImpl parser = new AnnalsParserImpl(new SourceStringReader(sql));
    parser.setOriginalSql(sql);
    return parser;
  }

  @Override
  public SqlNode parseSqlStmtEof() throws Exception {
    return escaped(super.parseSqlStmtEof());
  }

  @Override
  public SqlNodeList parseSqlStmtList() throws Exception {
    return (SqlNodeList) escaped(super.parseSqlStmtList());
  }

  @Override
  public SqlNode parseSqlExpressionEof() throws Exception {
    return escaped(super.parseSqlExpressionEof());
  }

  private static SqlNode escaped(SqlNode node) {
    return node == null ? null : node.accept(ESCAPES);
  }
}
