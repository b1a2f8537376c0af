package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.ScanStats;
import org.annals.storage.scan.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entity lookups in the memtable: sealed chunks answer from their entity index, the active chunk
 * row by row, and together they return exactly the entity's events, in order, reading far fewer
 * rows than the memtable holds.
 */
class MemtableEntityLookupTest {
  @TempDir Path dir;

  @Test
  void aLookupReadsOnlyTheEntitysRowsFromSealedChunksAndFindsEveryOne() throws Exception {
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).backgroundFlush(false)
        .memtableChunkRows(500).build())) {
      Random random = new Random(3);
      for (int b = 0; b < 200; b++) {
        List<NewEvent> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          int entity = random.nextInt(700);
          batch.add(NewEvent.of("T", entity == 0 ? null : "e-" + entity, "{\"b\":" + b + "}"));
        }
        store.append(b % 3 == 0 ? "carts" : "orders", batch);
      }
      List<StoredEvent> all = store.read(ScanSpec.all());
      assertEquals(10_000, all.size());
      assertEquals(10_000, store.status().memtableRows(), "nothing flushed");
      for (String id : List.of("e-1", "e-77", "e-699", "e-nobody")) {
        List<StoredEvent> expected = all.stream()
            .filter(e -> e.streamName().equals("orders") && id.equals(e.entityId()))
            .sorted(Comparator.comparingLong(StoredEvent::version)).toList();
        assertEquals(expected, store.readEntity("orders", id), id);
        try (Snapshot snapshot = store.snapshot();
             EventScanner scan = snapshot.scan(ScanSpec.builder().stream("orders").entityId(id).build())) {
          long rows = 0;
          while (scan.next()) {
            rows += scan.batch().getRowCount();
          }
          ScanStats stats = scan.stats();
          assertEquals(expected.size(), rows);
          assertTrue(stats.memtableRowsRead() < 1_000, "sealed chunks are not read row by row: " + stats);
        }
      }
    }
  }
}
