package org.annals.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.ScanSpec;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.TimestampString;
import org.junit.jupiter.api.Test;

/** Which filters storage takes over, and what each becomes in a ScanSpec. */
class FilterTranslatorTest {
  private final JavaTypeFactory types = new JavaTypeFactoryImpl();
  private final RexBuilder rex = new RexBuilder(types);
  private final RelDataType row = EventRowType.of(types);
  private final Map<String, Object> parameters = new HashMap<>();

  private RexNode column(EventColumn c) {
    return rex.makeInputRef(row.getFieldList().get(c.ordinal()).getType(), c.ordinal());
  }

  private RexNode call(org.apache.calcite.sql.SqlOperator op, RexNode... operands) {
    return rex.makeCall(op, operands);
  }

  private RexNode text(String s) {
    return rex.makeLiteral(s);
  }

  private RexNode number(long n) {
    return rex.makeBigintLiteral(BigDecimal.valueOf(n));
  }

  private RexNode timestamp(String ts) {
    return rex.makeTimestampLiteral(new TimestampString(ts), 3);
  }

  private RexNode parameter(int index, SqlTypeName type) {
    return rex.makeDynamicParam(types.createTypeWithNullability(types.createSqlType(type), true), index);
  }

  private ScanSpec translate(RexNode... filters) {
    for (RexNode f : filters) {
      assertTrue(FilterTranslator.isPushable(f), "pushable: " + f);
    }
    return new FilterTranslator(context()).translate(List.of(filters), List.of(EventColumn.SEQ), null);
  }

  @Test
  void equalitiesRangesAndNullChecksOnTheRightColumnsArePushed() {
    assertTrue(FilterTranslator.isPushable(call(SqlStdOperatorTable.EQUALS, column(EventColumn.ENTITY_ID), text("o-1"))));
    assertTrue(FilterTranslator.isPushable(call(SqlStdOperatorTable.EQUALS, text("o-1"), column(EventColumn.ENTITY_ID))));
    assertTrue(FilterTranslator.isPushable(call(SqlStdOperatorTable.GREATER_THAN, column(EventColumn.SEQ), number(5))));
    assertTrue(FilterTranslator.isPushable(call(SqlStdOperatorTable.LESS_THAN, column(EventColumn.RECORDED_AT),
        parameter(0, SqlTypeName.TIMESTAMP))));
    assertTrue(FilterTranslator.isPushable(call(SqlStdOperatorTable.IS_NULL, column(EventColumn.METADATA))));
    assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.EQUALS, column(EventColumn.VERSION), number(1))),
        "version is not a column storage bounds");
    assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.LESS_THAN, column(EventColumn.ENTITY_ID), text("b"))),
        "no text ranges");
    assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.GREATER_THAN, column(EventColumn.SEQ),
        rex.makeExactLiteral(new BigDecimal("5.5")))), "a fraction would be rounded");
    assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.LIKE, column(EventColumn.EVENT_TYPE), text("%Placed"))));
    assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.EQUALS, column(EventColumn.SEQ), column(EventColumn.VERSION))));
  }

  @Test
  void rangesBecomeHalfOpenAndCombine() {
    ScanSpec spec = translate(
        call(SqlStdOperatorTable.GREATER_THAN, column(EventColumn.SEQ), number(5)),
        call(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, column(EventColumn.SEQ), number(9)),
        call(SqlStdOperatorTable.LESS_THAN, number(100), column(EventColumn.GLOBAL_SEQ)),
        call(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, column(EventColumn.RECORDED_AT), timestamp("2026-10-15 00:00:00")),
        call(SqlStdOperatorTable.LESS_THAN, column(EventColumn.RECORDED_AT), timestamp("2026-10-16 00:00:00")));
    assertEquals(6, spec.seqMin());
    assertEquals(9, spec.seqMax());
    assertEquals(101, spec.globalSeqMin());
    assertEquals(1_792_022_400_000L, spec.recordedFrom());
    assertEquals(1_792_108_800_000L, spec.recordedTo(), "exclusive upper bound");
    assertFalse(spec.matchesNothing());
  }

  @Test
  void equalitiesIntersectAndContradictionsMatchNothing() {
    ScanSpec spec = translate(
        call(SqlStdOperatorTable.EQUALS, column(EventColumn.STREAM_NAME), text("orders")),
        call(SqlStdOperatorTable.EQUALS, column(EventColumn.EVENT_TYPE), text("OrderPlaced")),
        call(SqlStdOperatorTable.IS_NOT_NULL, column(EventColumn.ENTITY_ID)));
    assertEquals(Set.of("orders"), spec.streams());
    assertEquals(Set.of("OrderPlaced"), spec.eventTypes());
    assertEquals(Set.of(EventColumn.ENTITY_ID), spec.notNullColumns());
    assertTrue(translate(call(SqlStdOperatorTable.EQUALS, column(EventColumn.ENTITY_ID), text("a")),
        call(SqlStdOperatorTable.EQUALS, column(EventColumn.ENTITY_ID), text("b"))).matchesNothing());
    assertTrue(translate(call(SqlStdOperatorTable.GREATER_THAN, column(EventColumn.SEQ), number(9)),
        call(SqlStdOperatorTable.LESS_THAN, column(EventColumn.SEQ), number(10))).matchesNothing());
  }

  @Test
  void likeWithOnlyATrailingPercentIsAPrefixAndEveryOtherLikeIsLeftToCalcite() {
    assertTrue(FilterTranslator.isPushable(call(SqlStdOperatorTable.LIKE, column(EventColumn.ENTITY_ID), text("order-1%"))));
    assertTrue(FilterTranslator.isPushable(call(SqlStdOperatorTable.LIKE, column(EventColumn.EVENT_ID), text("%"))));
    for (String pattern : List.of("%-1", "order-1", "ord%er%", "or_er%", "a\\%b%")) {
      assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.LIKE, column(EventColumn.ENTITY_ID), text(pattern))),
          pattern);
    }
    assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.LIKE, column(EventColumn.ENTITY_ID), text("a%"),
        text("!"))), "an ESCAPE clause");
    assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.LIKE, column(EventColumn.PAYLOAD), text("{%"))),
        "a JSON column");
    assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.LIKE, column(EventColumn.ENTITY_ID),
        parameter(0, SqlTypeName.VARCHAR))), "a pattern known only when the query runs");
    assertFalse(FilterTranslator.isPushable(call(SqlStdOperatorTable.NOT,
        call(SqlStdOperatorTable.LIKE, column(EventColumn.ENTITY_ID), text("a%")))), "NOT LIKE");

    ScanSpec spec = translate(call(SqlStdOperatorTable.LIKE, column(EventColumn.ENTITY_ID), text("order-%")),
        call(SqlStdOperatorTable.LIKE, column(EventColumn.ENTITY_ID), text("order-12%")),
        call(SqlStdOperatorTable.LIKE, column(EventColumn.EVENT_TYPE), text("Order%")));
    assertEquals(Map.of(EventColumn.ENTITY_ID, "order-12", EventColumn.EVENT_TYPE, "Order"), spec.prefixes());
    assertFalse(spec.matchesNothing());
    assertTrue(translate(call(SqlStdOperatorTable.LIKE, column(EventColumn.ENTITY_ID), text("order-%")),
        call(SqlStdOperatorTable.LIKE, column(EventColumn.ENTITY_ID), text("cart-%"))).matchesNothing());
  }

  @Test
  void parametersAreReadWhenTheQueryRunsAndNullMatchesNothing() {
    RexNode byStream = call(SqlStdOperatorTable.EQUALS, column(EventColumn.STREAM_NAME), parameter(0, SqlTypeName.VARCHAR));
    RexNode since = call(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, column(EventColumn.RECORDED_AT),
        parameter(1, SqlTypeName.TIMESTAMP));
    parameters.put("?0", "carts");
    parameters.put("?1", new java.sql.Timestamp(1_792_022_400_000L));
    ScanSpec spec = translate(byStream, since);
    assertEquals(Set.of("carts"), spec.streams());
    assertEquals(1_792_022_400_000L, spec.recordedFrom());
    parameters.put("?1", null);
    assertTrue(translate(byStream, since).matchesNothing(), "recorded_at >= NULL is never true");
    parameters.put("?1", 20_376);
    AvaticaClientRuntimeException days = assertThrows(AvaticaClientRuntimeException.class, () -> translate(byStream, since));
    assertTrue(days.getMessage().contains("Integer") && days.getMessage().contains("java.sql.Timestamp"),
        "a DATE's count of days is not taken for milliseconds: " + days.getMessage());
    parameters.put("?1", 1_792_022_400_000L);
    assertEquals(1_792_022_400_000L, translate(byStream, since).recordedFrom());
    parameters.put("?1", "yesterday");
    AvaticaClientRuntimeException e = assertThrows(AvaticaClientRuntimeException.class, () -> translate(byStream, since));
    assertEquals(SqlErrors.INVALID_PARAMETER, e.getSqlState());
    assertTrue(e.getMessage().contains("recorded_at"), e.getMessage());
    assertEquals(Set.of(EventColumn.VERSION), translate(call(SqlStdOperatorTable.IS_NULL, column(EventColumn.VERSION))).nullColumns());
  }

  private DataContext context() {
    return new DataContext() {
      @Override
      public SchemaPlus getRootSchema() {
        return null;
      }

      @Override
      public JavaTypeFactory getTypeFactory() {
        return types;
      }

      @Override
      public QueryProvider getQueryProvider() {
        return null;
      }

      @Override
      public Object get(String name) {
        return parameters.get(name);
      }
    };
  }
}
