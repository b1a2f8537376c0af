package org.annals.engine.sql;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.ScanSpec;
import org.apache.calcite.DataContext;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * Turns the filters Calcite offers a table scan into a {@link ScanSpec}. A filter the storage
 * scan applies exactly is removed from the list, so Calcite does not evaluate it again; anything
 * else stays for Calcite. Handled: {@code =} on stream_name, entity_id and event_type (and IN on
 * stream_name); {@code =, <, <=, >, >=} and ranges on seq, global_seq and recorded_at; literals and
 * {@code ?} parameters on the other side. Not thread-safe: one per scan.
 */
final class FilterTranslator {
  private final DataContext context;
  private Set<String> streams;
  private String entityId;
  private String eventType;
  private boolean contradiction;
  private final long[] seq = {Long.MIN_VALUE, Long.MAX_VALUE};
  private final long[] globalSeq = {Long.MIN_VALUE, Long.MAX_VALUE};
  /** recorded_at bounds, both inclusive here; the spec's upper bound is exclusive. */
  private final long[] recordedAt = {Long.MIN_VALUE, Long.MAX_VALUE};

  FilterTranslator(DataContext context) {
    this.context = context;
  }

  /** Consumes the filters it can apply exactly, then returns the spec for the given columns. */
  ScanSpec translate(List<RexNode> filters, List<EventColumn> columns, String tableStream) {
    if (tableStream != null) {
      streams = Set.of(tableStream);
    }
    for (Iterator<RexNode> it = filters.iterator(); it.hasNext(); ) {
      if (apply(it.next())) {
        it.remove();
      }
    }
    ScanSpec.Builder b = ScanSpec.builder().columns(columns).streams(contradiction ? Set.of() : streams)
        .entityId(entityId).eventType(eventType)
        .seqBetween(seq[0], seq[1]).globalSeqBetween(globalSeq[0], globalSeq[1]);
    if (recordedAt[0] != Long.MIN_VALUE || recordedAt[1] != Long.MAX_VALUE) {
      b.recordedBetween(recordedAt[0], recordedAt[1] == Long.MAX_VALUE ? Long.MAX_VALUE : recordedAt[1] + 1);
    }
    return b.build();
  }

  private boolean apply(RexNode filter) {
    if (!(filter instanceof RexCall call) || call.getOperands().size() != 2) {
      return false;
    }
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    SqlKind kind = call.getKind();
    if (!(left instanceof RexInputRef) && right instanceof RexInputRef) {
      RexNode swap = left;
      left = right;
      right = swap;
      kind = kind.reverse();
    }
    if (!(left instanceof RexInputRef ref)) {
      return false;
    }
    EventColumn column = EventColumn.ALL.get(ref.getIndex());
    if (kind == SqlKind.SEARCH && right instanceof RexLiteral lit) {
      return applySarg(column, lit.getValueAs(Sarg.class));
    }
    Object value = valueOf(right);
    if (value == null) {
      return false;
    }
    return switch (kind) {
      case EQUALS -> equal(column, value);
      case LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL ->
          value instanceof Long v && bound(column, kind, v);
      default -> false;
    };
  }

  private Object valueOf(RexNode node) {
    if (node instanceof RexLiteral lit) {
      return literal(lit.getValue4());
    }
    if (node instanceof RexDynamicParam param) {
      Object v = context.get(param.getName());
      return v instanceof Number n ? (Object) n.longValue()
          : v instanceof java.sql.Timestamp t ? (Object) t.getTime() : v instanceof String ? v : null;
    }
    return null;
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
    return v instanceof String ? v : null;
  }

  private boolean equal(EventColumn column, Object value) {
    if (isRangeColumn(column)) {
      return value instanceof Long v && bound(column, SqlKind.GREATER_THAN_OR_EQUAL, v)
          && bound(column, SqlKind.LESS_THAN_OR_EQUAL, v);
    }
    if (!(value instanceof String s)) {
      return false;
    }
    switch (column) {
      case STREAM_NAME -> restrictStreams(Set.of(s));
      case ENTITY_ID -> entityId = merge(entityId, s);
      case EVENT_TYPE -> eventType = merge(eventType, s);
      default -> {
        return false;
      }
    }
    return true;
  }

  private String merge(String current, String value) {
    if (current != null && !current.equals(value)) {
      contradiction = true;
    }
    return value;
  }

  private void restrictStreams(Set<String> allowed) {
    if (streams == null) {
      streams = allowed;
    } else {
      Set<String> both = new HashSet<>(streams);
      both.retainAll(allowed);
      streams = both;
    }
  }

  /** The columns a storage scan bounds by range; version, say, is a long the scan cannot bound. */
  private static boolean isRangeColumn(EventColumn column) {
    return column == EventColumn.SEQ || column == EventColumn.GLOBAL_SEQ
        || column == EventColumn.RECORDED_AT;
  }

  private boolean bound(EventColumn column, SqlKind kind, long v) {
    long[] range = switch (column) {
      case SEQ -> seq;
      case GLOBAL_SEQ -> globalSeq;
      case RECORDED_AT -> recordedAt;
      default -> null;
    };
    if (range == null) {
      return false;
    }
    switch (kind) {
      case GREATER_THAN -> range[0] = Math.max(range[0], v == Long.MAX_VALUE ? v : v + 1);
      case GREATER_THAN_OR_EQUAL -> range[0] = Math.max(range[0], v);
      case LESS_THAN -> range[1] = Math.min(range[1], v == Long.MIN_VALUE ? v : v - 1);
      case LESS_THAN_OR_EQUAL -> range[1] = Math.min(range[1], v);
      default -> {
        return false;
      }
    }
    if (range[0] > range[1]) {
      contradiction = true;
    }
    return true;
  }

  /** A search argument: one range on a position column, or points on stream_name. */
  private boolean applySarg(EventColumn column, Sarg<?> sarg) {
    if (sarg == null || sarg.nullAs != org.apache.calcite.rex.RexUnknownAs.UNKNOWN
        && sarg.nullAs != org.apache.calcite.rex.RexUnknownAs.FALSE) {
      return false;
    }
    if (column == EventColumn.STREAM_NAME && sarg.isPoints()) {
      Set<String> names = new HashSet<>();
      for (Range<?> r : sarg.rangeSet.asRanges()) {
        if (!(literal(r.lowerEndpoint()) instanceof String s)) {
          return false;
        }
        names.add(s);
      }
      restrictStreams(names);
      return true;
    }
    if (!isRangeColumn(column) || sarg.rangeSet.asRanges().size() != 1) {
      return false;
    }
    Range<?> r = sarg.rangeSet.asRanges().iterator().next();
    if (r.hasLowerBound() && !(literal(r.lowerEndpoint()) instanceof Long)
        || r.hasUpperBound() && !(literal(r.upperEndpoint()) instanceof Long)) {
      return false;
    }
    if (r.hasLowerBound()) {
      bound(column, r.lowerBoundType() == BoundType.CLOSED ? SqlKind.GREATER_THAN_OR_EQUAL
          : SqlKind.GREATER_THAN, (Long) literal(r.lowerEndpoint()));
    }
    if (r.hasUpperBound()) {
      bound(column, r.upperBoundType() == BoundType.CLOSED ? SqlKind.LESS_THAN_OR_EQUAL
          : SqlKind.LESS_THAN, (Long) literal(r.upperEndpoint()));
    }
    return true;
  }
}
