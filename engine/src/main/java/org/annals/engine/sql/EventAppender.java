package org.annals.engine.sql;

import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.annals.storage.EventStore;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.NewEvent;

/**
 * The target of one INSERT. Calcite's enumerable INSERT reads {@code size()}, adds every row, then
 * reads {@code size()} again to count what changed; this collection collects the rows and appends
 * them as one atomic batch on that second {@code size()}, so a multi-row INSERT is all or nothing.
 * A given {@code version} means "this event must become that version of the entity". Not
 * thread-safe: one per INSERT execution.
 */
final class EventAppender extends AbstractCollection<Object[]> {
  private final EventStore store;
  private final String tableStream;
  private final List<NewEvent> pending = new ArrayList<>();
  private String pendingStream;
  private long appended;

  EventAppender(EventStore store, String tableStream) {
    this.store = store;
    this.tableStream = tableStream;
  }

  @Override
  public boolean add(Object[] row) {
    String stream = text(row, EventColumn.STREAM_NAME);
    if (EventColumnDefaults.NOT_GIVEN.equals(stream)) {
      throw SqlErrors.of(SqlErrors.INVALID_EVENT, "INSERT INTO events needs a stream_name for every"
          + " row; or insert into the stream's own table");
    }
    if (tableStream != null && !tableStream.equals(stream)) {
      throw SqlErrors.of(SqlErrors.INVALID_EVENT, "INSERT INTO " + tableStream + " appends to stream '"
          + tableStream + "', but a row names stream_name '" + stream + "'");
    }
    if (pendingStream != null && !pendingStream.equals(stream)) {
      throw SqlErrors.of(SqlErrors.INVALID_EVENT, "one INSERT appends to one stream, atomically;"
          + " this one names '" + pendingStream + "' and '" + stream + "'");
    }
    pendingStream = stream;
    pending.add(new NewEvent(text(row, EventColumn.EVENT_TYPE), text(row, EventColumn.ENTITY_ID),
        text(row, EventColumn.PAYLOAD), text(row, EventColumn.METADATA), eventId(row),
        expected(row)));
    return true;
  }

  /** Appends what was added since the last call, then reports how many events were appended. */
  @Override
  public int size() {
    if (!pending.isEmpty()) {
      try {
        store.append(pendingStream, pending);
      } catch (RuntimeException e) {
        throw SqlErrors.fromStorage(e);
      }
      appended += pending.size();
      pending.clear();
    }
    return (int) appended;
  }

  @Override
  public Iterator<Object[]> iterator() {
    return Collections.emptyIterator();
  }

  private static UUID eventId(Object[] row) {
    String id = text(row, EventColumn.EVENT_ID);
    if (id == null || id.equals(EventColumnDefaults.NOT_GIVEN)) {
      return null;
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw SqlErrors.of(SqlErrors.INVALID_EVENT, "event_id '" + id + "' is not a UUID; give a UUID"
          + " such as 0190f6a4-8b1e-7c3a-9d2e-5f6a7b8c9d0e, or leave it out");
    }
  }

  private static ExpectedVersion expected(Object[] row) {
    Object v = row[EventColumn.VERSION.ordinal()];
    if (v == null) {
      return ExpectedVersion.ANY;
    }
    long version = ((Number) v).longValue();
    if (version < 0) {
      throw SqlErrors.of(SqlErrors.INVALID_EVENT, "version " + version + " is negative; versions"
          + " start at 0 for an entity's first event");
    }
    return version == 0 ? ExpectedVersion.NO_EVENTS : ExpectedVersion.exactly(version - 1);
  }

  private static String text(Object[] row, EventColumn column) {
    Object v = row[column.ordinal()];
    return v == null ? null : v.toString();
  }
}
