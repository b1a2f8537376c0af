package org.annals.engine.sql;

import java.util.List;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.RepeatUnion;

/**
 * Places an {@link EnumerableCancelCheck} on the output and on each input of every operator whose
 * work can outgrow what it reads: joins (a product of two inputs), correlated subqueries and
 * recursive unions (which may never end). The rest of a plan does work in proportion to the rows
 * its scans read, and the scans check. Applied to a physical plan just before it is compiled.
 */
public final class CancelChecks extends RelHomogeneousShuttle {
  private final long connectionTimeoutMillis;

  private CancelChecks(long connectionTimeoutMillis) {
    this.connectionTimeoutMillis = connectionTimeoutMillis;
  }

  /** The plan with its checks, for a statement of the connection whose root schema is {@code root}. */
  public static RelNode place(RelNode plan, CalciteSchema root) {
    CalciteSchema events = root.getSubSchema(EventSchema.NAME, true);
    long timeout = events != null && events.schema instanceof EventSchema schema
        ? schema.settings().queryTimeoutMillis() : 0;
    return plan.accept(new CancelChecks(timeout));
  }

  @Override
  public RelNode visit(RelNode other) {
    RelNode visited = super.visit(other);
    if (!(visited instanceof Join || visited instanceof Correlate || visited instanceof RepeatUnion)) {
      return visited;
    }
    List<RelNode> inputs = visited.getInputs().stream().map(this::checked).toList();
    return checked(visited.copy(visited.getTraitSet(), inputs));
  }

  /** The rows with a check on them, unless they have one (a join's output under a join). */
  private RelNode checked(RelNode rows) {
    return rows instanceof EnumerableCancelCheck ? rows
        : new EnumerableCancelCheck(rows.getCluster(), rows.getTraitSet(), rows, connectionTimeoutMillis);
  }
}
