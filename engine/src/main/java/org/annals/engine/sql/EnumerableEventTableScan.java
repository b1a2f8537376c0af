package org.annals.engine.sql;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;

/**
 * The executable form of an {@link EventTableScan}: generated code that calls
 * {@link PushedScan#run} with the query's context, the pushed query stashed in the plan.
 * Immutable.
 */
public final class EnumerableEventTableScan extends EventTableScan implements EnumerableRel {
  private static final java.lang.reflect.Method RUN =
      Types.lookupMethod(PushedScan.class, "run", DataContext.class);
  private static final java.lang.reflect.Method RUN_SCALAR =
      Types.lookupMethod(PushedScan.class, "runScalar", DataContext.class);

  EnumerableEventTableScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table,
      EventTable eventTable, EventQuery query, RelDataType aggregateRowType) {
    super(cluster, traits, table, eventTable, query, aggregateRowType);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new EnumerableEventTableScan(getCluster(), traitSet, getTable(), eventTable, query,
        aggregateRowType);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    boolean scalar = getRowType().getFieldCount() == 1;
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(),
        scalar ? JavaRowFormat.SCALAR : JavaRowFormat.ARRAY);
    Expression scan = implementor.stash(new PushedScan(eventTable, query), PushedScan.class);
    return implementor.result(physType, Blocks.toBlock(
        Expressions.call(scan, scalar ? RUN_SCALAR : RUN, DataContext.ROOT)));
  }
}
