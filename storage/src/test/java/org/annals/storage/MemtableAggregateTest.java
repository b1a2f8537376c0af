package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.AggregateSpec;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.ScanStats;
import org.annals.storage.scan.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregates over memtable rows only, grouped by text: sealed chunks group event types and
 * streams through their dictionaries, entity ids (too many distinct values) row by row, the active
 * chunk row by row; every way gives the counts the rows give, the first time and again.
 */
class MemtableAggregateTest {
  @TempDir Path dir;

  @Test
  void groupsByTextInSealedAndActiveChunksCountWhatTheRowsHold() throws Exception {
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).backgroundFlush(false)
        .memtableChunkRows(500).build())) {
      Random random = new Random(5);
      for (int b = 0; b < 210; b++) {
        List<NewEvent> batch = new ArrayList<>();
        for (int i = 0; i < 1 + random.nextInt(60); i++) {
          int entity = random.nextInt(900);
          batch.add(NewEvent.of("Type" + random.nextInt(7), entity == 0 ? null : "e-" + entity, "{}"));
        }
        store.append(b % 4 == 0 ? "carts" : "orders", batch);
      }
      List<StoredEvent> all = store.read(ScanSpec.all());
      assertEquals(all.size(), store.status().memtableRows(), "nothing flushed");
      for (int round = 0; round < 2; round++) {
        check(store, all, List.of(EventColumn.EVENT_TYPE), e -> List.of(e.eventType()));
        check(store, all, List.of(EventColumn.STREAM_NAME, EventColumn.EVENT_TYPE),
            e -> List.of(e.streamName(), e.eventType()));
        check(store, all, List.of(EventColumn.ENTITY_ID), e -> Arrays.asList(e.entityId()));
      }
    }
  }

  private static void check(EventStore store, List<StoredEvent> all, List<EventColumn> keys,
      Function<StoredEvent, List<Object>> key) throws Exception {
    Map<List<Object>, Long> expected = new HashMap<>();
    for (StoredEvent e : all) {
      expected.merge(key.apply(e), 1L, Long::sum);
    }
    Map<List<Object>, Long> actual = new HashMap<>();
    try (Snapshot snapshot = store.snapshot()) {
      AggregateSpec spec = new AggregateSpec(keys.stream().map(AggregateSpec.GroupKey::of).toList(),
          List.of(AggregateSpec.Measure.countRows()));
      for (Object[] row : snapshot.aggregate(ScanSpec.all(), spec, () -> false, new ScanStats())) {
        actual.put(Arrays.asList(Arrays.copyOf(row, keys.size())), (Long) row[keys.size()]);
      }
    }
    assertEquals(expected, actual, keys.toString());
  }
}
