package org.annals.engine.sql;

import org.annals.storage.event.EventColumn;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;

/**
 * Pushes the rows of an {@code ORDER BY column LIMIT n [OFFSET m]} into the scan below it when
 * the one sort key is seq, global_seq or recorded_at: storage then reads that column of the files
 * most likely to hold the answer first, stops at the first that cannot, and decodes the other
 * columns of the n + m kept rows alone ({@code Snapshot.top}). The sort stays above the scan, to
 * order those rows and apply the offset. "The latest ten events" read every column of every row
 * before: 1.1 s on 1.07 M events, and more than a 512 MiB heap without a bounded sort.
 */
final class EventSortRule extends RelOptRule {
  static final EventSortRule INSTANCE = new EventSortRule();
  /** Rows kept at most; a larger limit is a bulk read, which the plain scan streams better. */
  static final int MAX_ROWS = 100_000;

  private EventSortRule() {
    super(operand(LogicalSort.class, operand(EventTableScan.class, Convention.NONE, none())), "EventSortRule");
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalSort sort = call.rel(0);
    EventTableScan scan = call.rel(1);
    EventQuery query = scan.query();
    // Storage keeps the top n of the rows its filters pass, not of those the scan's field filters pass.
    if (query.aggregates() || query.top() != null || !query.fieldFilters().isEmpty()
        || sort.getCollation().getFieldCollations().size() != 1) {
      return;
    }
    long fetch = literal(sort.fetch);
    long offset = sort.offset == null ? 0 : literal(sort.offset);
    RelFieldCollation key = sort.getCollation().getFieldCollations().get(0);
    if (fetch < 1 || offset < 0 || fetch + offset > MAX_ROWS || key.getFieldIndex() >= query.columns().size()) {
      return;
    }
    long n = fetch + offset;
    EventColumn column = query.columns().get(key.getFieldIndex());
    if (!column.isPosition()) {
      return;
    }
    boolean descending = key.getDirection() == RelFieldCollation.Direction.DESCENDING;
    if (!descending && key.getDirection() != RelFieldCollation.Direction.ASCENDING) {
      return;
    }
    EventTableScan top = scan.with(query.withTop(new EventQuery.Top(column, descending, (int) n)));
    call.transformTo(sort.copy(sort.getTraitSet(), top, sort.getCollation(), sort.offset, sort.fetch));
  }

  /** A LIMIT or OFFSET that is a literal, or -1 (a {@code ?}, or none). */
  private static long literal(RexNode node) {
    if (node instanceof RexLiteral lit) {
      Long value = lit.getValueAs(Long.class);
      return value == null ? -1 : value;
    }
    return -1;
  }
}
