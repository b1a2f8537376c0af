package org.annals.engine.jdbc;

import java.lang.reflect.Type;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.annals.engine.sql.CancelChecks;
import org.annals.engine.sql.SqlErrors;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * Calcite's statement preparation, refusing up front what an event store cannot do: UPDATE,
 * DELETE and MERGE (events are immutable) and DDL (streams appear with their first event). The
 * refusal names the statement and what to do instead, with SQLState 0A000. A SELECT's plan is
 * kept for the connection's next use of the same text ({@link PlanCache}). Every plan gets its
 * cancel checks ({@link CancelChecks}) before it is compiled.
 */
final class AnnalsPrepare extends CalcitePrepareImpl {
  private static final Pattern DDL = Pattern.compile(
      "^\\s*(CREATE|DROP|ALTER|TRUNCATE|RENAME|GRANT|REVOKE|COMMENT)\\b", Pattern.CASE_INSENSITIVE);

  @Override
  public <T> CalciteSignature<T> prepareSql(Context context, Query<T> query, Type elementType,
      long maxRowCount) {
    if (query.sql == null) {
      return prepareUncached(context, query, elementType, maxRowCount);
    }
    PlanCache cache = PlanCache.of(context.getMutableRootSchema());
    PlanCache.Key key = new PlanCache.Key(query.sql, context.getDefaultSchemaPath(), elementType, maxRowCount);
    CalciteSignature<T> cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    refuseUnsupported(query.sql, context);
    CalciteSignature<T> plan = prepareUncached(context, query, elementType, maxRowCount);
    if (plan.statementType == Meta.StatementType.SELECT) {
      cache.put(key, plan);
    }
    return plan;
  }

  private <T> CalciteSignature<T> prepareUncached(Context context, Query<T> query, Type elementType,
      long maxRowCount) {
    try {
      return super.prepareSql(context, query, elementType, maxRowCount);
    } catch (RuntimeException e) {
      throw asSyntaxError(e, query.sql);
    }
  }

  /**
   * Calcite's, with the convention and row format it chooses, compiling plans with their cancel
   * checks. Calcite's also offers its interpreter's convention, which only a test hook turns on.
   */
  @Override
  protected CalcitePreparingStmt getPreparingStmt(Context context, Type elementType, CalciteCatalogReader catalogReader,
      RelOptPlanner planner) {
    JavaTypeFactory typeFactory = context.getTypeFactory();
    EnumerableRel.Prefer prefer =
        elementType == Object[].class ? EnumerableRel.Prefer.ARRAY : EnumerableRel.Prefer.CUSTOM;
    return new CalcitePreparingStmt(this, context, catalogReader, typeFactory, context.getRootSchema(), prefer,
        createCluster(planner, new RexBuilder(typeFactory)), EnumerableConvention.INSTANCE, createConvertletTable()) {
      @Override
      protected PreparedResult implement(RelRoot root) {
        return super.implement(root.withRel(CancelChecks.place(root.rel, schema)));
      }
    };
  }

  /**
   * Parse and validation errors get SQLState 42000 and the message of their innermost cause; a
   * query the planner cannot implement (an aggregate with no runtime implementation) gets 0A000.
   */
  private static RuntimeException asSyntaxError(RuntimeException e, String sql) {
    Throwable innermost = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RelOptPlanner.CannotPlanException) {
        // Calcite's message goes on to dump the whole planner state; the first lines say it all.
        String summary = String.join(" ", t.getMessage().lines().limit(2).toList());
        return SqlErrors.of(SqlErrors.NOT_SUPPORTED, "this query uses something Annals cannot run"
            + " yet: " + summary);
      }
      if (t instanceof CalciteContextException || t instanceof SqlParseException) {
        innermost = t;
      }
    }
    return innermost == null ? e
        : SqlErrors.of(SqlErrors.SYNTAX_ERROR, ParseErrors.explained(innermost.getMessage(), sql));
  }

  private static void refuseUnsupported(String sql, Context context) {
    Matcher ddl = DDL.matcher(sql);
    if (ddl.find()) {
      throw SqlErrors.of(SqlErrors.NOT_SUPPORTED, ddl.group(1).toUpperCase(Locale.ROOT)
          + " is not supported: Annals has no DDL; a stream's table appears with its first event"
          + " (INSERT INTO events (stream_name, ...) VALUES (...)), and events are immutable");
    }
    SqlNode node;
    try {
      node = SqlParser.create(sql, SqlParser.config()
          .withQuoting(context.config().quoting())
          .withUnquotedCasing(context.config().unquotedCasing())
          .withQuotedCasing(context.config().quotedCasing())
          .withCaseSensitive(context.config().caseSensitive())).parseStmt();
    } catch (SqlParseException e) {
      return; // Calcite reports the syntax error itself, with its position.
    }
    SqlKind kind = node.getKind();
    // Refused here as well as in EventTable, so that a table that takes no INSERT either (the
    // system tables) answers with the same SQLState and message.
    if (kind == SqlKind.UPDATE || kind == SqlKind.DELETE || kind == SqlKind.MERGE) {
      throw SqlErrors.immutable(kind.toString());
    }
  }
}
