package org.annals.engine.jdbc;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJdbcFunctionCall;
import org.apache.calcite.sql.SqlJsonValueEmptyOrErrorBehavior;
import org.apache.calcite.sql.SqlJsonValueReturning;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlJsonValueFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
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
 * not know, are rewritten before parsing ({@link JdbcEscapes}); PostgreSQL's
 * {@code DATE_TRUNC('day', t)} becomes {@code FLOOR(t TO DAY)} ({@link PostgresDateTrunc}) and
 * its {@code now()} {@code CURRENT_TIMESTAMP(3)}; a final semicolon is dropped.
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
        if (upper.isSimple() && upper.getSimple().equals("NOW") && call.operandCount() == 0) {
          // PostgreSQL's now(), which Calcite's libraries lack: the statement's time, in milliseconds.
          return SqlStdOperatorTable.CURRENT_TIMESTAMP.createCall(call.getParserPosition(),
              SqlLiteral.createExactNumeric("3", call.getParserPosition()));
        }
        SqlUnresolvedFunction resolvable = new SqlUnresolvedFunction(upper, null, null, null, null,
            function.getFunctionType());
        return resolvable.createCall(call.getFunctionQuantifier(), call.getParserPosition(), operands(call));
      }
      // The grammar knows DATE_TRUNC by name (BigQuery's form, unit last).
      if (call.getOperator().getName().equals(PostgresDateTrunc.NAME)) {
        SqlNode floor = PostgresDateTrunc.asFloor(call, operands(call));
        if (floor != null) {
          return floor;
        }
      }
      if (call.getOperator() instanceof SqlJsonValueFunction) {
        SqlNode exact = exactDecimal(call);
        if (exact != null) {
          return exact;
        }
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

    /**
     * {@code JSON_VALUE(x, path RETURNING DECIMAL(p, s) ...)} as {@code CAST(JSON_VALUE(x, path ...)
     * AS DECIMAL(p, s))}, or null for any other call (or one with a DEFAULT, whose type would
     * change). Calcite reads a JSON number as a double before it makes the decimal, so 548.32 came
     * back as 548.3200000000000500222085975110530853271484375; the text of the number casts
     * exactly.
     */
    private SqlNode exactDecimal(SqlCall call) {
      List<SqlNode> operands = call.getOperandList();
      int returning = -1;
      for (int i = 0; i < operands.size(); i++) {
        SqlNode o = operands.get(i);
        if (o instanceof SqlLiteral literal && literal.getValue() instanceof SqlJsonValueReturning) {
          returning = i;
        } else if (o instanceof SqlLiteral literal && literal.getValue() instanceof SqlJsonValueEmptyOrErrorBehavior b
            && b == SqlJsonValueEmptyOrErrorBehavior.DEFAULT) {
          return null;
        }
      }
      if (returning < 0 || returning + 1 >= operands.size()
          || !(operands.get(returning + 1) instanceof SqlDataTypeSpec type)
          || !(type.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic)
          || !basic.getTypeName().getSimple().toUpperCase(Locale.ROOT).matches("DECIMAL|NUMERIC|DEC")) {
        return null;
      }
      List<SqlNode> rest = new ArrayList<>();
      for (int i = 0; i < operands.size(); i++) {
        if (i != returning && i != returning + 1) {
          SqlNode o = operands.get(i);
          rest.add(o == null ? null : o.accept(this));
        }
      }
      SqlCall text = call.getOperator().createCall(call.getFunctionQuantifier(), call.getParserPosition(),
          rest.toArray(new SqlNode[0]));
      return SqlStdOperatorTable.CAST.createCall(call.getParserPosition(), text, type);
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
    String sql = withoutFinalSemicolon(JdbcEscapes.rewrite(source.getSourceString()));
    AnnalsParserImpl parser = new AnnalsParserImpl(new SourceStringReader(sql));
    parser.setOriginalSql(sql);
    return parser;
  }

  /** A statement as sqlline, psql and many tools end it, with a semicolon, which Calcite refuses. */
  private static String withoutFinalSemicolon(String sql) {
    String trimmed = sql.stripTrailing();
    while (trimmed.endsWith(";")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1).stripTrailing();
    }
    return trimmed;
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
