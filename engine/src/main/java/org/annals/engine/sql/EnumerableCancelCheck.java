package org.annals.engine.sql;

import java.lang.reflect.Method;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;

/**
 * Passes its input's rows on unchanged, stopping the statement with its error (SQLState 57014)
 * once it is cancelled or past its timeout ({@link StatementCancel}). Scans check as they read;
 * this check goes where an operator works on rows already read, so that a join of two tables that
 * fit in memory but whose product does not (a self-join on a column of few values) stops as
 * promptly as a scan ({@link CancelChecks} places it). The timeout counts from when the check's
 * rows are first asked for (again for an input read again, as a nested loop's inner one is), so it
 * stops no later than the statement's own clock would, give or take how long the inputs took;
 * a cancel stops it at once. Immutable.
 */
public final class EnumerableCancelCheck extends SingleRel implements EnumerableRel {
  /** Rows between checks: a check reads the clock, which costs more than passing a row on. */
  private static final int ROWS_PER_CHECK = 256;
  private static final Method CHECKED =
      Types.lookupMethod(EnumerableCancelCheck.class, "checked", DataContext.class, long.class, Enumerable.class);

  private final long connectionTimeoutMillis;

  EnumerableCancelCheck(RelOptCluster cluster, RelTraitSet traits, RelNode input, long connectionTimeoutMillis) {
    super(cluster, traits, input);
    this.connectionTimeoutMillis = connectionTimeoutMillis;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new EnumerableCancelCheck(getCluster(), traitSet, sole(inputs), connectionTimeoutMillis);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).item("timeoutMillis", connectionTimeoutMillis);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
    BlockBuilder builder = new BlockBuilder();
    Expression rows = builder.append("rows", input.block);
    builder.add(Expressions.call(CHECKED, DataContext.ROOT, Expressions.constant(connectionTimeoutMillis), rows));
    return implementor.result(input.physType, builder.toBlock());
  }

  /** Called by the generated code: {@code rows}, checked as they are read. */
  public static <T> Enumerable<T> checked(DataContext root, long connectionTimeoutMillis, Enumerable<T> rows) {
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<T> enumerator() {
        return new Checked<>(rows.enumerator(), StatementCancel.of(root, connectionTimeoutMillis));
      }
    };
  }

  private static final class Checked<T> implements Enumerator<T> {
    private final Enumerator<T> rows;
    private final StatementCancel cancel;
    private int sinceCheck;

    Checked(Enumerator<T> rows, StatementCancel cancel) {
      this.rows = rows;
      this.cancel = cancel;
    }

    @Override
    public T current() {
      return rows.current();
    }

    @Override
    public boolean moveNext() {
      if (++sinceCheck == ROWS_PER_CHECK) {
        sinceCheck = 0;
        if (cancel.getAsBoolean()) {
          throw cancel.error();
        }
      }
      return rows.moveNext();
    }

    @Override
    public void reset() {
      rows.reset();
    }

    @Override
    public void close() {
      rows.close();
    }
  }
}
