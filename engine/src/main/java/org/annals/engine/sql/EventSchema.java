package org.annals.engine.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import org.annals.storage.EventStore;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * Schema {@code annals}: {@code events} plus one table per stream. The stream tables are listed
 * anew on every lookup, so a stream's table appears with its first event, without a restart
 * (callers turn Calcite's schema cache off for this schema). Thread-safe.
 */
public final class EventSchema extends AbstractSchema {
  public static final String NAME = "annals";
  public static final String ALL_EVENTS = "events";

  private final EventStore store;
  private final ConnectionSettings settings;
  private final QueryPositions positions = new QueryPositions();

  public EventSchema(EventStore store, ConnectionSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /** What the connection this schema belongs to chose for its queries. */
  public ConnectionSettings settings() {
    return settings;
  }

  /** A stream's table, sharing this schema's settings and query positions. */
  EventTable streamTable(String stream) {
    return new EventTable(store, stream, positions, settings);
  }

  @Override
  protected Map<String, Table> getTableMap() {
    Map<String, Table> tables = new LinkedHashMap<>();
    tables.put(ALL_EVENTS, new EventTable(store, null, positions, settings));
    for (String stream : store.streams()) {
      // A stream named "events" stays reachable through events WHERE stream_name = 'events'.
      tables.putIfAbsent(stream, streamTable(stream));
    }
    return tables;
  }
}
