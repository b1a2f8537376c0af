package org.annals.storage.index;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.annals.storage.event.EventPosition;

/**
 * The event ids stored recently, with where each event landed, so that a retried append is
 * answered with the original positions instead of stored twice. An id is remembered for
 * {@code windowMillis} after its recorded_at, and at most {@code maxEntries} ids are kept (the
 * oldest are forgotten first), which bounds memory at roughly 150 bytes per entry. Entries are
 * added in recorded_at order. Not thread-safe: the append sequencer guards it.
 */
public final class RecentEventIds {
  private final long windowMillis;
  private final int maxEntries;
  private final LinkedHashMap<UUID, EventPosition> byId = new LinkedHashMap<>();

  public RecentEventIds(long windowMillis, int maxEntries) {
    this.windowMillis = windowMillis;
    this.maxEntries = maxEntries;
  }

  /** The original position of an event id still within the window, or null. */
  public EventPosition find(UUID eventId, long nowMillis) {
    EventPosition p = byId.get(eventId);
    return p == null || p.recordedAt() < nowMillis - windowMillis ? null : p;
  }

  public void add(EventPosition position, long nowMillis) {
    if (maxEntries == 0) {
      return;
    }
    byId.put(position.eventId(), position);
    evict(nowMillis);
  }

  private void evict(long nowMillis) {
    long cutoff = nowMillis - windowMillis;
    Iterator<Map.Entry<UUID, EventPosition>> it = byId.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<UUID, EventPosition> eldest = it.next();
      if (byId.size() > maxEntries || eldest.getValue().recordedAt() < cutoff) {
        it.remove();
      } else {
        return;
      }
    }
  }

}
