package org.annals.engine.sql;

import java.util.Map;

/**
 * What each column of an events table holds, in a sentence: the {@code REMARKS} a BI tool shows
 * beside a column when it lists a table's columns.
 */
public final class ColumnRemarks {
  private static final Map<String, String> REMARKS = Map.of(
      "stream_name", "the stream the event was appended to; the partition key",
      "seq", "0-based position of the event in its stream, dense",
      "global_seq", "0-based position of the event in the whole store, dense, in commit order",
      "entity_id", "the entity the event is about; null for none",
      "version", "0-based position of the event among its entity's events in the stream; null without an entity",
      "event_id", "the event's UUID: the client's, or one the store made (UUIDv7)",
      "event_type", "the event's type, 1 to 256 characters",
      "recorded_at", "when the store accepted the event, UTC; decides the day partition",
      "payload", "the event's data, a JSON object: read fields with JSON_VALUE(payload, '$.field')",
      "metadata", "a JSON object about the event (correlation, source, ...), or null");

  private ColumnRemarks() {}

  /** The remark on a column of an events table, or null for a name that is none of them. */
  public static String of(String column) {
    return REMARKS.get(column);
  }
}
