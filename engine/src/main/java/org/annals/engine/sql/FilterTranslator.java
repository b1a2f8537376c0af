package org.annals.engine.sql;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.ScanSpec;
import org.apache.calcite.DataContext;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * The filters a storage scan applies exactly, and their translation into a {@link ScanSpec}.
 * At planning time {@link #isPushable} decides, from a filter's shape alone, whether the scan
 * can take it over (so Calcite need not evaluate it again); at run time {@link #translate} turns
 * the pushed filters, with the query's {@code ?} values, into the spec. Pushable: {@code =} and
 * {@code IN} on stream_name and event_type, {@code =} on entity_id, {@code IS [NOT] NULL} on
 * any column, and {@code =, <, <=, >, >=},
 * {@code BETWEEN} and one range on seq, global_seq and recorded_at; the other side a literal or a
 * {@code ?} of a matching type; and {@code LIKE 'prefix%'} on any text column, the pattern a
 * literal whose only wildcard is the one {@code %} at its end. Ranges end up half-open,
 * [from, to), as the storage layer takes them. Not thread-safe: one per scan.
 */
final class FilterTranslator {
  private final DataContext context;
  private Set<String> streams;
  private String entityId;
  private Set<String> eventTypes;
  private boolean contradiction;
  private final Set<EventColumn> nullColumns = EnumSet.noneOf(EventColumn.class);
  private final Set<EventColumn> notNullColumns = EnumSet.noneOf(EventColumn.class);
  private final long[] seq = {Long.MIN_VALUE, Long.MAX_VALUE};
  private final long[] globalSeq = {Long.MIN_VALUE, Long.MAX_VALUE};
  /** recorded_at bounds, both inclusive here; the spec's upper bound is exclusive. */
  private final long[] recordedAt = {Long.MIN_VALUE, Long.MAX_VALUE};
  private final Map<EventColumn, String> prefixes = new EnumMap<>(EventColumn.class);

  FilterTranslator(DataContext context) {
    this.context = context;
  }

  /** Whether the storage scan applies this filter (over the full event row) exactly. */
  static boolean isPushable(RexNode filter) {
    if (filter.isA(SqlKind.IS_NULL) || filter.isA(SqlKind.IS_NOT_NULL)) {
      return ((RexCall) filter).getOperands().get(0) instanceof RexInputRef;
    }
    if (filter instanceof RexCall call && call.getOperator() == SqlStdOperatorTable.LIKE) {
      return likePrefix(call) != null;
    }
    InputComparison c = InputComparison.of(filter);
    if (c == null) {
      return false;
    }
    if (c.kind() == SqlKind.SEARCH) {
      return c.operand() instanceof RexLiteral lit && pushableSarg(column(c), lit.getValueAs(Sarg.class));
    }
    RelDataType type = c.operand().getType();
    return switch (c.kind()) {
      case EQUALS -> isTextColumn(column(c)) ? isText(type) : column(c).isPosition() && isWhole(column(c), type);
      case LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL ->
          column(c).isPosition() && isWhole(column(c), type);
      default -> false;
    };
  }

  /** The column a comparison's input is, in the full event row. */
  private static EventColumn column(InputComparison c) {
    return EventColumn.ALL.get(c.input().getIndex());
  }

  /**
   * The prefix a {@code column LIKE 'prefix%'} asks for, or null for any other LIKE: an escape
   * clause, a pattern that is not a literal, a wildcard ({@code %} or {@code _}) anywhere but one
   * {@code %} at the end, or a backslash, which some engines take for an escape.
   */
  private static String likePrefix(RexCall like) {
    if (like.getOperands().size() != 2 || !(like.getOperands().get(0) instanceof RexInputRef ref)
        || EventColumn.ALL.get(ref.getIndex()).kind() != EventColumn.Kind.STRING
        || !(like.getOperands().get(1) instanceof RexLiteral literal)
        || !(literal.getValue4() instanceof NlsString pattern)) {
      return null;
    }
    String p = pattern.getValue();
    if (!p.endsWith("%")) {
      return null;
    }
    String prefix = p.substring(0, p.length() - 1);
    return prefix.indexOf('%') >= 0 || prefix.indexOf('_') >= 0 || prefix.indexOf('\\') >= 0 ? null : prefix;
  }

  private static boolean pushableSarg(EventColumn column, Sarg<?> sarg) {
    if (sarg == null || sarg.nullAs != RexUnknownAs.UNKNOWN && sarg.nullAs != RexUnknownAs.FALSE) {
      return false;
    }
    if (column == EventColumn.STREAM_NAME || column == EventColumn.EVENT_TYPE) {
      return sarg.isPoints() && sarg.rangeSet.asRanges().stream()
          .allMatch(r -> r.lowerEndpoint() instanceof NlsString);
    }
    if (!column.isPosition() || sarg.rangeSet.asRanges().size() != 1) {
      return false;
    }
    Range<?> r = sarg.rangeSet.asRanges().iterator().next();
    return (!r.hasLowerBound() || literal(r.lowerEndpoint()) instanceof Long)
        && (!r.hasUpperBound() || literal(r.upperEndpoint()) instanceof Long);
  }

  private static boolean isTextColumn(EventColumn column) {
    return column == EventColumn.STREAM_NAME || column == EventColumn.ENTITY_ID
        || column == EventColumn.EVENT_TYPE;
  }

  private static boolean isText(RelDataType type) {
    return SqlTypeFamily.CHARACTER.contains(type);
  }

  /** Whole numbers for seq and global_seq, timestamps for recorded_at: no rounding can creep in. */
  private static boolean isWhole(EventColumn column, RelDataType type) {
    if (column == EventColumn.RECORDED_AT) {
      return SqlTypeFamily.TIMESTAMP.contains(type);
    }
    return SqlTypeFamily.INTEGER.contains(type)
        || SqlTypeFamily.EXACT_NUMERIC.contains(type) && type.getScale() == 0;
  }

  /**
   * Translates filters that {@link #isPushable} accepted into the spec for the given columns.
   *
   * @param tableStream the stream of a stream's table, or null for {@code events}
   */
  ScanSpec translate(List<RexNode> filters, List<EventColumn> columns, String tableStream) {
    if (tableStream != null) {
      streams = Set.of(tableStream);
    }
    for (RexNode filter : filters) {
      apply(filter);
    }
    ScanSpec.Builder b = ScanSpec.builder().columns(columns).streams(contradiction ? Set.of() : streams)
        .entityId(entityId).eventTypes(eventTypes)
        .seqBetween(seq[0], seq[1]).globalSeqBetween(globalSeq[0], globalSeq[1]);
    nullColumns.forEach(b::isNull);
    notNullColumns.forEach(b::isNotNull);
    prefixes.forEach(b::prefix);
    if (recordedAt[0] != Long.MIN_VALUE || recordedAt[1] != Long.MAX_VALUE) {
      b.recordedBetween(recordedAt[0], recordedAt[1] == Long.MAX_VALUE ? Long.MAX_VALUE : recordedAt[1] + 1);
    }
    return b.build();
  }

  private void apply(RexNode filter) {
    RexCall call = (RexCall) filter;
    if (call.isA(SqlKind.IS_NULL) || call.isA(SqlKind.IS_NOT_NULL)) {
      EventColumn column = EventColumn.ALL.get(((RexInputRef) call.getOperands().get(0)).getIndex());
      (call.isA(SqlKind.IS_NULL) ? nullColumns : notNullColumns).add(column);
      return;
    }
    if (call.getOperator() == SqlStdOperatorTable.LIKE) {
      startsWith(EventColumn.ALL.get(((RexInputRef) call.getOperands().get(0)).getIndex()), likePrefix(call));
      return;
    }
    InputComparison c = InputComparison.of(call);
    EventColumn column = column(c);
    SqlKind kind = c.kind();
    if (kind == SqlKind.SEARCH) {
      applySarg(column, ((RexLiteral) c.operand()).getValueAs(Sarg.class));
      return;
    }
    Object value = valueOf(c.operand(), column);
    if (value == null) {
      // A comparison with NULL is never true.
      contradiction = true;
      return;
    }
    if (kind == SqlKind.EQUALS) {
      equal(column, value);
    } else {
      bound(column, kind, (Long) value);
    }
  }

  /** A literal's or parameter's value as the column compares it: String or Long; null for NULL. */
  private Object valueOf(RexNode node, EventColumn column) {
    Object v = node instanceof RexLiteral lit ? literal(lit.getValue4())
        : context.get(((RexDynamicParam) node).getName());
    if (v == null) {
      return null;
    }
    if (isTextColumn(column)) {
      return v.toString();
    }
    if (column == EventColumn.RECORDED_AT) {
      Long millis = TimestampParameters.millis(v);
      if (millis != null) {
        return millis;
      }
    } else if (v instanceof Number n) {
      return n.longValue();
    } else if (v instanceof java.util.Date || v instanceof java.util.Calendar) {
      return TimestampParameters.millis(v);
    }
    if (v instanceof String s && column != EventColumn.RECORDED_AT) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw SqlErrors.of(SqlErrors.INVALID_PARAMETER, "'" + s + "' is not a whole number, so it"
            + " cannot be compared with " + column.columnName());
      }
    }
    throw SqlErrors.of(SqlErrors.INVALID_PARAMETER, "a value of type " + v.getClass().getSimpleName()
        + " cannot be compared with " + column.columnName() + "; bind a "
        + (column == EventColumn.RECORDED_AT ? "java.sql.Timestamp" : "long"));
  }

  private static Object literal(Object v) {
    if (v instanceof NlsString s) {
      return s.getValue();
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof TimestampString t) {
      return t.getMillisSinceEpoch();
    }
    return v;
  }

  private void equal(EventColumn column, Object value) {
    if (column.isPosition()) {
      bound(column, SqlKind.GREATER_THAN_OR_EQUAL, (Long) value);
      bound(column, SqlKind.LESS_THAN_OR_EQUAL, (Long) value);
      return;
    }
    String s = (String) value;
    switch (column) {
      case STREAM_NAME -> streams = intersect(streams, Set.of(s));
      case EVENT_TYPE -> eventTypes = intersect(eventTypes, Set.of(s));
      case ENTITY_ID -> {
        if (entityId != null && !entityId.equals(s)) {
          contradiction = true;
        }
        entityId = s;
      }
      default -> throw new IllegalArgumentException("no equality pushdown on " + column.columnName());
    }
  }

  /** Two prefixes on one column: the longer, if it starts with the other; else nothing matches. */
  private void startsWith(EventColumn column, String prefix) {
    String known = prefixes.get(column);
    if (known == null || prefix.startsWith(known)) {
      prefixes.put(column, prefix);
    } else if (!known.startsWith(prefix)) {
      contradiction = true;
    }
  }

  private static Set<String> intersect(Set<String> current, Set<String> allowed) {
    if (current == null) {
      return allowed;
    }
    Set<String> both = new HashSet<>(current);
    both.retainAll(allowed);
    return both;
  }

  private void bound(EventColumn column, SqlKind kind, long v) {
    long[] range = switch (column) {
      case SEQ -> seq;
      case GLOBAL_SEQ -> globalSeq;
      case RECORDED_AT -> recordedAt;
      default -> throw new IllegalArgumentException("no range pushdown on " + column.columnName());
    };
    switch (kind) {
      case GREATER_THAN -> range[0] = Math.max(range[0], v == Long.MAX_VALUE ? v : v + 1);
      case GREATER_THAN_OR_EQUAL -> range[0] = Math.max(range[0], v);
      case LESS_THAN -> range[1] = Math.min(range[1], v == Long.MIN_VALUE ? v : v - 1);
      case LESS_THAN_OR_EQUAL -> range[1] = Math.min(range[1], v);
      default -> throw new IllegalArgumentException("no pushdown of " + kind);
    }
    if (range[0] > range[1] || kind == SqlKind.GREATER_THAN && v == Long.MAX_VALUE
        || kind == SqlKind.LESS_THAN && v == Long.MIN_VALUE) {
      contradiction = true;
    }
  }

  /** A search argument: points on stream_name or event_type, or one range on a position column. */
  private void applySarg(EventColumn column, Sarg<?> sarg) {
    if (column == EventColumn.STREAM_NAME || column == EventColumn.EVENT_TYPE) {
      Set<String> names = new HashSet<>();
      for (Range<?> r : sarg.rangeSet.asRanges()) {
        names.add(((NlsString) r.lowerEndpoint()).getValue());
      }
      if (column == EventColumn.STREAM_NAME) {
        streams = intersect(streams, names);
      } else {
        eventTypes = intersect(eventTypes, names);
      }
      return;
    }
    Range<?> r = sarg.rangeSet.asRanges().iterator().next();
    if (r.hasLowerBound()) {
      bound(column, r.lowerBoundType() == BoundType.CLOSED ? SqlKind.GREATER_THAN_OR_EQUAL
          : SqlKind.GREATER_THAN, (Long) literal(r.lowerEndpoint()));
    }
    if (r.hasUpperBound()) {
      bound(column, r.upperBoundType() == BoundType.CLOSED ? SqlKind.LESS_THAN_OR_EQUAL
          : SqlKind.LESS_THAN, (Long) literal(r.upperEndpoint()));
    }
  }
}
