package org.annals.engine.jdbc;

import java.lang.reflect.Type;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.annals.engine.security.Role;
import org.annals.engine.sql.AsOf;
import org.annals.engine.sql.CancelChecks;
import org.annals.engine.sql.EventSchema;
import org.annals.engine.sql.TypesSchema;
import org.annals.engine.sql.SqlErrors;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserImplFactory;
import org.apache.calcite.sql.parser.impl.SqlParserImpl;
import org.apache.calcite.util.Util;

/**
 * Calcite's statement preparation, refusing up front what an event store cannot do: UPDATE,
 * DELETE and MERGE (events are immutable) and DDL (streams appear with their first event). The
 * refusal names the statement and what to do instead, with SQLState 0A000. A SELECT's plan is
 * kept for the connection's next use of the same text ({@link PlanCache}); one that reads a typed
 * table, only while its columns stay as they are. Every plan gets its
 * cancel checks ({@link CancelChecks}) before it is compiled. A statement the connection's roles
 * do not allow is refused with 42501 ({@link Role}); one too large or deep to plan with 54001.
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
    TypesSchema types = types(context);
    // A plan in the cache passed the connection's roles when it was made, and they do not change.
    PlanCache.Entry cached = cache.get(key);
    if (cached != null && (cached.typesVersion() < 0 || cached.typesVersion() == types.version())) {
      @SuppressWarnings("unchecked")
      CalciteSignature<T> plan = (CalciteSignature<T>) cached.plan();
      return plan;
    }
    refuseUnsupported(query.sql, context);
    // Taken before planning: a change of columns during it only makes the plan be made again.
    long typesVersion = types.knownVersion();
    TypesSchema.forgetLookups();
    CalciteSignature<T> plan = prepareUncached(context, query, elementType, maxRowCount);
    if (plan.statementType == Meta.StatementType.SELECT) {
      cache.put(key, new PlanCache.Entry(plan, TypesSchema.lookedUp() ? typesVersion : -1));
    }
    return plan;
  }

  private <T> CalciteSignature<T> prepareUncached(Context context, Query<T> query, Type elementType,
      long maxRowCount) {
    try {
      return super.prepareSql(context, query, elementType, maxRowCount);
    } catch (RuntimeException e) {
      throw asSyntaxError(e, query.sql);
    } catch (StackOverflowError e) {
      throw tooDeep();
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
        authorize(rolesNeeded(root.rel), context);
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
      if (t instanceof StackOverflowError) {
        return tooDeep();
      }
      if (t instanceof RelOptPlanner.CannotPlanException) {
        // Calcite's message goes on to dump the whole planner state; the first lines say it all.
        String summary = String.join(" ", t.getMessage().lines().limit(2).toList());
        return SqlErrors.of(SqlErrors.NOT_SUPPORTED, "this query uses something Annals cannot run"
            + " yet: " + summary);
      }
      if (t.getMessage() != null && t.getMessage().contains("grows beyond 64 KB")) {
        // Calcite compiles a statement into one Java method, and Java caps a method at 64 KB.
        return SqlErrors.of(SqlErrors.TOO_COMPLEX, "the statement is too large to compile: append at most about 1,000"
            + " rows per INSERT ... VALUES (or send them as a prepared statement's batch), and keep IN lists to"
            + " a few thousand values");
      }
      if (t instanceof CalciteContextException || t instanceof SqlParseException) {
        innermost = t;
      }
    }
    return innermost == null || innermost.getMessage() == null ? e
        : SqlErrors.of(SqlErrors.SYNTAX_ERROR, ParseErrors.explained(innermost.getMessage(), sql));
  }

  /**
   * What a planned statement needs of its connection's roles: reading any table (a scan anywhere
   * in the plan, subqueries included) takes {@code read}, appending takes {@code append}. Judged
   * on the plan rather than the text, so that no spelling of a query (a subquery among an
   * INSERT's VALUES, {@code TABLE events}, JDBC escapes) reads without the role.
   */
  private static Set<Role> rolesNeeded(RelNode plan) {
    Set<Role> needed = EnumSet.noneOf(Role.class);
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof TableScan) {
          needed.add(Role.READ);
        } else if (node instanceof TableModify) {
          needed.add(Role.APPEND);
        }
        super.visit(node, ordinal, parent);
      }
    }.go(plan);
    return needed;
  }

  /** Refuses (42501) a statement that needs a role its connection lacks. */
  private static void authorize(Set<Role> needed, Context context) {
    CalciteSchema annals = context.getRootSchema().getSubSchema(EventSchema.NAME, true);
    if (annals == null || !(annals.schema instanceof EventSchema schema)) {
      throw new IllegalStateException("a connection without the " + EventSchema.NAME + " schema has no roles");
    }
    AsOf asOf = schema.settings().asOf();
    if (needed.contains(Role.APPEND) && !asOf.now()) {
      throw SqlErrors.of(SqlErrors.READ_ONLY, "this connection reads the store as of "
          + asOf.describe() + " (connection property " + ClientProperties.AS_OF + "), and the past takes no appends;"
          + " append on a connection without " + ClientProperties.AS_OF);
    }
    Set<Role> granted = schema.settings().roles();
    if (!granted.containsAll(needed)) {
      throw SqlErrors.of(SqlErrors.INSUFFICIENT_PRIVILEGE, "this statement needs the roles " + Role.labels(needed)
          + ", and the connection has " + (granted.isEmpty() ? "none" : Role.labels(granted))
          + "; connect as a user who has them (annals user add NAME --role read,append --replace gives both)");
    }
  }

  /** Deep but unparenthesised expressions (a + a + ... thousands of times) recurse as deeply as parentheses. */
  private static RuntimeException tooDeep() {
    return SqlErrors.of(SqlErrors.TOO_COMPLEX, "the statement is too deeply nested to plan: write long chains of operators"
        + " as IN lists, or split the statement");
  }

  /** The connection's schema of typed tables. */
  private static TypesSchema types(Context context) {
    return (TypesSchema) context.getRootSchema().getSubSchema(TypesSchema.NAME, true).schema;
  }

  /** Refuses what Annals cannot do. */
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
          .withParserFactory(context.config().parserFactory(SqlParserImplFactory.class, SqlParserImpl.FACTORY))
          .withConformance(context.config().conformance())
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
    if (node instanceof SqlInsert insert && insert.getTargetTable() instanceof SqlIdentifier target
        && (target.names.size() == 2 && TypesSchema.NAME.equals(target.names.get(0))
            || target.names.size() == 1 && context.getDefaultSchemaPath().equals(List.of(TypesSchema.NAME)))) {
      String stream = types(context).streamOf(Util.last(target.names));
      throw SqlErrors.of(SqlErrors.NOT_SUPPORTED, "the tables of schema " + TypesSchema.NAME + " are read-only:"
          + " each shows one stream's events of one type; append to the stream's table (INSERT INTO "
          + (stream == null ? "stream" : stream.matches("[a-z_][a-z0-9_]*") ? stream : "\"" + stream + "\"")
          + " (entity_id, event_type, payload) VALUES (...)) and the event appears in " + target + " too");
    }
  }
}
