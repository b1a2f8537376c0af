package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.annals.engine.types.FieldType;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.AggregateSpec;
import org.annals.storage.scan.CalendarUnit;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * What an {@link EventTableScan} asks of storage: the columns it returns, the filters storage
 * applies (over the full event row, each one {@link FilterTranslator#isPushable}), JSON fields
 * read from JSON columns as the scan goes (a typed table's payload columns are some), and
 * optionally an aggregate computed in storage instead of rows, or a top-n that limits the rows
 * to those an {@code ORDER BY ... LIMIT} keeps. Conditions on a JSON field and aggregates that
 * use JSON fields are not storage's: the scan applies and computes them as it reads the fields
 * ({@link FieldConditions}, {@link FieldAggregation}).
 * A row of the scan is its columns, then its JSON fields. Immutable.
 *
 * @param columns the columns returned, in order; ignored when there is an aggregate
 * @param aggregate null for rows
 * @param jsonFields {@code JSON_VALUE(column, path)} values returned after the columns
 * @param top null for every matching row
 * @param fieldFilters conditions on one JSON field each, all of which a row must pass
 * @param fieldAggregate null for rows; else the groups the scan returns instead
 */
record EventQuery(List<EventColumn> columns, List<RexNode> filters, AggregateSpec aggregate,
    List<JsonField> jsonFields, Top top, List<FieldFilter> fieldFilters, FieldAggregate fieldAggregate) {

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

    /** How EXPLAIN names it: a typed column by its name, a JSON_VALUE by its column and path. */
    String label() {
      return name != null ? name : source.columnName() + " " + text;
    }
  }

  /**
   * A condition on one JSON field of the scan ({@link FieldConditions#isPushable}).
   *
   * @param field the field's index in {@link #jsonFields}
   * @param condition over one input, {@code $0}: the field's value
   */
  record FieldFilter(int field, RexNode condition) {}

  /**
   * An aggregate over the scan's rows, some of whose keys or inputs are JSON fields.
   *
   * @param keys what the rows are grouped by
   */
  record FieldAggregate(List<FieldKey> keys, List<FieldMeasure> measures) {
    FieldAggregate {
      keys = List.copyOf(keys);
      measures = List.copyOf(measures);
    }
  }

  /**
   * A position of the scan's rows (its columns, then its JSON fields), or a timestamp there
   * floored to a fixed length or a calendar period.
   *
   * @param bucketMillis the fixed length, or 0
   * @param calendar the period, or null
   */
  record FieldKey(int position, long bucketMillis, CalendarUnit calendar) {
    /** The key's value in a row. */
    Object of(Object[] row) {
      Object v = row[position];
      if (v == null || (bucketMillis == 0 && calendar == null)) {
        return v;
      }
      long millis = (Long) v;
      return calendar != null ? calendar.floor(millis) : Math.floorDiv(millis, bucketMillis) * bucketMillis;
    }
  }

  /**
   * COUNT, SUM, MIN or MAX of one position of the scan's rows.
   *
   * @param input the position, or -1 for {@code COUNT(*)}
   */
  record FieldMeasure(SqlKind function, int input) {}

  EventQuery {
    columns = List.copyOf(columns);
    filters = List.copyOf(filters);
    jsonFields = List.copyOf(jsonFields);
    fieldFilters = List.copyOf(fieldFilters);
  }

  EventQuery(List<EventColumn> columns, List<RexNode> filters, AggregateSpec aggregate, List<JsonField> jsonFields,
      Top top) {
    this(columns, filters, aggregate, jsonFields, top, List.of(), null);
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

  /** Whether the scan returns groups rather than rows. */
  boolean aggregates() {
    return aggregate != null || fieldAggregate != null;
  }

  /** How EXPLAIN names a position of the scan's row. */
  String label(int position) {
    return position < columns.size() ? columns.get(position).columnName()
        : jsonFields.get(position - columns.size()).label();
  }

  /**
   * The scan narrowed to some of its columns and JSON fields, in the order given, keeping the
   * fields its field filters read (after the others).
   *
   * @param positions filled with each kept position's new one
   */
  EventQuery narrowed(List<Integer> columnPositions, List<Integer> jsonPositions, Map<Integer, Integer> positions) {
    List<EventColumn> newColumns = new ArrayList<>();
    for (int i : columnPositions) {
      positions.put(i, newColumns.size());
      newColumns.add(columns.get(i));
    }
    List<Integer> json = new ArrayList<>(jsonPositions);
    for (FieldFilter f : fieldFilters) {
      if (!json.contains(columns.size() + f.field())) {
        json.add(columns.size() + f.field());
      }
    }
    List<JsonField> newJson = new ArrayList<>();
    for (int j : json) {
      positions.put(j, newColumns.size() + newJson.size());
      newJson.add(jsonFields.get(j - columns.size()));
    }
    List<FieldFilter> newFilters = new ArrayList<>();
    for (FieldFilter f : fieldFilters) {
      newFilters.add(new FieldFilter(positions.get(columns.size() + f.field()) - newColumns.size(), f.condition()));
    }
    return new EventQuery(newColumns, filters, aggregate, newJson, top, newFilters, fieldAggregate);
  }

  /** {@link #narrowed} to every position in {@code used}, columns in their order. */
  EventQuery narrowedTo(List<Integer> used, Map<Integer, Integer> positions) {
    return narrowed(used.stream().filter(i -> i < columns.size()).toList(),
        used.stream().filter(i -> i >= columns.size()).toList(), positions);
  }

  EventQuery withColumns(List<EventColumn> newColumns) {
    return new EventQuery(newColumns, filters, aggregate, jsonFields, top, fieldFilters, fieldAggregate);
  }

  EventQuery withFilters(List<RexNode> newFilters) {
    return new EventQuery(columns, newFilters, aggregate, jsonFields, top, fieldFilters, fieldAggregate);
  }

  EventQuery withAggregate(AggregateSpec newAggregate) {
    return new EventQuery(columns, filters, newAggregate, jsonFields, top, fieldFilters, fieldAggregate);
  }

  EventQuery withJsonFields(List<JsonField> newJsonFields) {
    return new EventQuery(columns, filters, aggregate, newJsonFields, top, fieldFilters, fieldAggregate);
  }

  EventQuery withTop(Top newTop) {
    return new EventQuery(columns, filters, aggregate, jsonFields, newTop, fieldFilters, fieldAggregate);
  }

  EventQuery withFieldFilters(List<FieldFilter> newFieldFilters) {
    return new EventQuery(columns, filters, aggregate, jsonFields, top, newFieldFilters, fieldAggregate);
  }

  EventQuery withFieldAggregate(FieldAggregate newFieldAggregate) {
    return new EventQuery(columns, filters, aggregate, jsonFields, top, fieldFilters, newFieldAggregate);
  }
}
