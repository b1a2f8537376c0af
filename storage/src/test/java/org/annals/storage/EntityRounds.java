package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;

/**
 * A history for recovery tests: rounds of one batch per stream, each touching the entities
 * order-0 to order-4 once and adding one event without an entity, so that every entity's versions
 * run through the whole log; and the check that a recovered store goes on from it.
 */
final class EntityRounds {
  private EntityRounds() {}

  static void append(EventStore store, List<String> streams, int from, int to) throws IOException {
    for (int round = from; round < to; round++) {
      for (String stream : streams) {
        List<NewEvent> batch = new ArrayList<>();
        for (int entity = 0; entity < 5; entity++) {
          batch.add(NewEvent.of("Changed", "order-" + entity, "{\"round\":" + round + ",\"entity\":" + entity + "}"));
        }
        batch.add(NewEvent.of("Ticked", null, "{\"round\":" + round + "}"));
        store.append(stream, batch);
      }
    }
  }

  /** Appends one event of order-3 to each stream: its seq and version must follow what was stored. */
  static void assertGoesOn(EventStore store, List<String> streams, List<StoredEvent> stored) throws IOException {
    for (String stream : streams) {
      long events = stored.stream().filter(e -> e.streamName().equals(stream)).count();
      long lastVersion = stored.stream()
          .filter(e -> e.streamName().equals(stream) && "order-3".equals(e.entityId()))
          .mapToLong(StoredEvent::version).max().orElseThrow();
      AppendResult next = store.append(stream, List.of(NewEvent.of("Noted", "order-3", "{}")));
      assertEquals(events, next.positions().get(0).seq(), stream + ": the seq after the last one");
      assertEquals(lastVersion + 1, next.positions().get(0).version(), stream + ": order-3's next version");
    }
  }
}
