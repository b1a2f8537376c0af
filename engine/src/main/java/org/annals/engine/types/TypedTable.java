package org.annals.engine.types;

import java.util.List;

/**
 * One table of schema {@code types}: the events of one type in one stream, with the payload's
 * top-level fields as columns.
 *
 * @param name the table's name ({@link TableNames})
 * @param events how many events of the type were profiled
 * @param fields its payload columns, in the order their fields first held a value
 */
public record TypedTable(String name, String stream, String eventType, long events, List<TypedField> fields) {
  public TypedTable {
    fields = List.copyOf(fields);
  }
}
