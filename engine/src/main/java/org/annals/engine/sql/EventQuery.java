package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.List;
import org.annals.engine.types.FieldType;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.AggregateSpec;
import org.apache.calcite.rex.RexNode;

/**
 * What an {@link EventTableScan} asks of storage: the columns it returns, the filters storage
 * applies (over the full event row, each one {@link FilterTranslator#isPushable}), JSON fields
 * read from JSON columns as the scan goes (a typed table's payload columns are some), and
 * optionally an aggregate computed in storage instead of rows, or a top-n that limits the rows
 * to those an {@code ORDER BY ... LIMIT} keeps.
 * A row of the scan is its columns, then its JSON fields. Immutable.
 *
 * @param columns the columns returned, in order; ignored when there is an aggregate
 * @param aggregate null for rows
 * @param jsonFields {@code JSON_VALUE(column, path)} values returned after the columns
 * @param top null for every matching row
 */
record EventQuery(List<EventColumn> columns, List<RexNode> filters, AggregateSpec aggregate,
    List<JsonField> jsonFields, Top top) {

  /**
   * Only the {@code n} rows with the greatest ({@code descending}) or least values of a position
   * column, in no particular order (the plan sorts them above the scan).
   */
  record Top(EventColumn column, boolean descending, int n) {}

  /**
   * One {@code JSON_VALUE} of a JSON column at a simple path, or a typed table's payload column.
   *
   * @param path the field names, outermost first
   * @param text the path as the query wrote it, for EXPLAIN
   * @param type a typed column's type, whose values the scan returns ({@link FieldType#value});
   *     null for JSON_VALUE's text
   * @param name the typed column's name; null for JSON_VALUE
   */
  record JsonField(EventColumn source, List<String> path, String text, FieldType type, String name) {
    JsonField {
      path = List.copyOf(path);
    }

    /** A {@code JSON_VALUE(source, text)}. */
    JsonField(EventColumn source, List<String> path, String text) {
      this(source, path, text, null, null);
    }
  }

  EventQuery {
    columns = List.copyOf(columns);
    filters = List.copyOf(filters);
    jsonFields = List.copyOf(jsonFields);
  }

  /** Every column of every row of the table. */
  static EventQuery all() {
    return new EventQuery(EventColumn.ALL, List.of(), null, List.of(), null);
  }

  /** What storage reads: the returned columns, then the JSON columns only the JSON fields need. */
  List<EventColumn> readColumns() {
    List<EventColumn> read = new ArrayList<>(columns);
    for (JsonField f : jsonFields) {
      if (!read.contains(f.source())) {
        read.add(f.source());
      }
    }
    return read;
  }

  EventQuery withColumns(List<EventColumn> newColumns) {
    return new EventQuery(newColumns, filters, aggregate, jsonFields, top);
  }

  EventQuery withFilters(List<RexNode> newFilters) {
    return new EventQuery(columns, newFilters, aggregate, jsonFields, top);
  }

  EventQuery withAggregate(AggregateSpec newAggregate) {
    return new EventQuery(columns, filters, newAggregate, jsonFields, top);
  }

  EventQuery withJsonFields(List<JsonField> newJsonFields) {
    return new EventQuery(columns, filters, aggregate, newJsonFields, top);
  }

  EventQuery withTop(Top newTop) {
    return new EventQuery(columns, filters, aggregate, jsonFields, newTop);
  }
}
