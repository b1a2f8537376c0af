package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.annals.storage.event.EventColumn;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexPermuteInputsShuttle;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Narrows a scan to what the projection above it uses: the columns it reads, so storage decodes
 * no other, the typed table columns it parses, and each {@code JSON_VALUE(payload, '$.a.b')} at a
 * simple path, which the scan reads while it passes ({@link JsonScalars}) instead of Calcite
 * parsing the document per call. The
 * projection stays above unless it only passes the columns through. A projection that uses no
 * column ({@code SELECT 1 FROM orders}) still needs the row count, so the scan keeps seq, the
 * cheapest column to decode.
 */
final class EventProjectRule extends RelOptRule {
  EventProjectRule() {
    super(operand(LogicalProject.class, operand(EventTableScan.class, Convention.NONE, none())), "EventProjectRule");
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalProject project = call.rel(0);
    EventTableScan scan = call.rel(1);
    EventQuery query = scan.query();
    if (query.aggregates()) {
      return;
    }
    int fields = query.columns().size();
    // The scan's JSON fields (a typed table's columns), then those this projection's JSON_VALUEs add.
    List<EventQuery.JsonField> json = new ArrayList<>(query.jsonFields());
    List<RexNode> rewritten = new ArrayList<>();
    for (RexNode e : project.getProjects()) {
      rewritten.add(e.accept(new JsonValues(query.columns(), json, fields)));
    }
    ImmutableBitSet used = RelOptUtil.InputFinder.bits(rewritten, null);
    // Plain columns, each once, are read in the projection's order: the projection then vanishes
    // and the scan is the result itself (whose frames the server writes from its batches).
    List<Integer> order = json.isEmpty() && isPermutation(rewritten) ? refs(rewritten)
        : used.intersect(ImmutableBitSet.range(fields)).asList();
    List<Integer> keptJson = used.intersect(ImmutableBitSet.range(fields, fields + json.size())).asList();
    Map<Integer, Integer> positions = new HashMap<>();
    EventQuery kept = query.withJsonFields(json).narrowed(order, keptJson, positions);
    if (kept.columns().isEmpty() && kept.jsonFields().isEmpty()) {
      kept = kept.withColumns(List.of(EventColumn.SEQ));
    }
    if (kept.equals(query)) {
      return;
    }
    EventTableScan narrowed = scan.with(kept);
    Mappings.TargetMapping mapping = Mappings.target(positions, fields + json.size(),
        kept.columns().size() + kept.jsonFields().size());
    List<RexNode> projects = new ArrayList<>();
    for (RexNode e : rewritten) {
      projects.add(e.accept(new RexPermuteInputsShuttle(mapping, narrowed)));
    }
    call.transformTo(call.builder().push(narrowed)
        .project(projects, project.getRowType().getFieldNames()).build());
  }

  /** Whether the expressions are input references, no input twice. */
  private static boolean isPermutation(List<RexNode> expressions) {
    return expressions.stream().allMatch(e -> e instanceof RexInputRef)
        && refs(expressions).stream().distinct().count() == expressions.size();
  }

  private static List<Integer> refs(List<RexNode> inputRefs) {
    return inputRefs.stream().map(e -> ((RexInputRef) e).getIndex()).toList();
  }

  /**
   * Replaces each {@code JSON_VALUE(column, 'simple path')} over a JSON column by a reference to
   * a JSON field of the scan, numbered after the scan's columns; the same field asked twice is
   * read once.
   */
  private static final class JsonValues extends RexShuttle {
    private final List<EventColumn> columns;
    private final List<EventQuery.JsonField> json;
    private final int fields;

    JsonValues(List<EventColumn> columns, List<EventQuery.JsonField> json, int fields) {
      this.columns = columns;
      this.json = json;
      this.fields = fields;
    }

    @Override
    public RexNode visitCall(RexCall call) {
      EventQuery.JsonField field = jsonField(call);
      if (field == null) {
        return super.visitCall(call);
      }
      int index = json.indexOf(field);
      if (index < 0) {
        index = json.size();
        json.add(field);
      }
      return new RexInputRef(fields + index, call.getType());
    }

    /**
     * The JSON field a call reads, if it is {@code JSON_VALUE(json column, 'simple path')} with
     * no RETURNING clause (VARCHAR(2000), nullable, as the scan returns it); otherwise null.
     */
    private EventQuery.JsonField jsonField(RexCall call) {
      if (call.getOperator() != SqlStdOperatorTable.JSON_VALUE || call.getOperands().size() != 2
          || !(call.getOperands().get(0) instanceof RexInputRef ref)
          || ref.getIndex() >= columns.size()
          || columns.get(ref.getIndex()).kind() != EventColumn.Kind.JSON
          || !(call.getOperands().get(1) instanceof RexLiteral literal)
          || call.getType().getSqlTypeName() != SqlTypeName.VARCHAR
          || call.getType().getPrecision() != EventTableScan.JSON_VALUE_LENGTH
          || !call.getType().isNullable()) {
        return null;
      }
      String text = literal.getValueAs(String.class);
      List<String> path = text == null ? null : JsonScalars.simplePath(text);
      return path == null ? null : new EventQuery.JsonField(columns.get(ref.getIndex()), path, text);
    }
  }
}
