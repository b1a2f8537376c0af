package org.annals.storage.event;

import java.util.List;
import java.util.Locale;

/**
 * The columns of an event, in the order of the {@code events} table. Storage, memtable and Parquet
 * files all use this order and these names, so a column is identified the same way everywhere.
 */
public enum EventColumn {
  STREAM_NAME(Kind.STRING, false),
  SEQ(Kind.LONG, false),
  GLOBAL_SEQ(Kind.LONG, false),
  ENTITY_ID(Kind.STRING, true),
  VERSION(Kind.LONG, true),
  EVENT_ID(Kind.STRING, false),
  EVENT_TYPE(Kind.STRING, false),
  RECORDED_AT(Kind.TIMESTAMP_MILLIS, false),
  PAYLOAD(Kind.JSON, false),
  METADATA(Kind.JSON, true);

  /** How a column's values are represented; each storage layer maps a kind to its own type. */
  public enum Kind {
    LONG,
    STRING,
    /** Milliseconds since the epoch, UTC. */
    TIMESTAMP_MILLIS,
    /** JSON text, stored as UTF-8 string. */
    JSON;

    public boolean isLong() {
      return this == LONG || this == TIMESTAMP_MILLIS;
    }
  }

  public static final List<EventColumn> ALL = List.of(values());

  private final Kind kind;
  private final boolean nullable;
  private final String columnName;

  EventColumn(Kind kind, boolean nullable) {
    this.kind = kind;
    this.nullable = nullable;
    this.columnName = name().toLowerCase(Locale.ROOT);
  }

  public Kind kind() {
    return kind;
  }

  public boolean nullable() {
    return nullable;
  }

  /**
   * Whether the column is one of the positions every event has and the manifest bounds per file
   * (seq, global_seq, recorded_at): what a scan can take a range or an order on.
   */
  public boolean isPosition() {
    return this == SEQ || this == GLOBAL_SEQ || this == RECORDED_AT;
  }

  /** The lower-case name used in SQL, Arrow fields and Parquet files. */
  public String columnName() {
    return columnName;
  }
}
