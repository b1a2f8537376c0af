package org.annals.storage;

import static org.annals.storage.HistoryAssertions.assertHistory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.NewEvent;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups taken while appends, flushes and compactions run on the store: each copy opens, holds
 * every event acknowledged before it began at its acknowledged position, and no gap.
 */
class BackupTest {
  @TempDir Path dir;

  @Test
  void aBackupOfALiveStoreOpensWithEveryEventAcknowledgedBeforeItBegan() throws Exception {
    Path data = dir.resolve("data");
    List<AckLine> acked = Collections.synchronizedList(new ArrayList<>());
    try (EventStore store = EventStore.open(StoreOptions.builder(data).backgroundFlush(false)
        .backgroundCompaction(false).walSegmentBytes(64 * 1024).build())) {
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<?> writer = pool.submit(() -> {
        for (int i = 0; !stop.get(); i++) {
          String entity = "e-" + i % 97;
          AppendResult r = store.append(i % 2 == 0 ? "orders" : "payments",
              List.of(NewEvent.of("Noted", entity, "{\"i\": " + i + ", \"pad\": \"" + "x".repeat(100) + "\"}")));
          acked.add(AckLine.of(r.positions().get(0), entity));
          if (i % 300 == 299) {
            store.flush();
          }
          if (i % 1200 == 1199) {
            store.compact();
          }
        }
        return null;
      });
      try {
        for (int b = 0; b < 4; b++) {
          while (acked.size() < (b + 1) * 1000) {
            Thread.sleep(5);
          }
          List<AckLine> before = new ArrayList<>(acked);
          Path copy = dir.resolve("backup-" + b);
          StoreBackup.Result r = StoreBackup.copy(data, copy);
          assertTrue(r.walSegments() >= 1, r.toString());
          try (EventStore restored = EventStore.open(StoreOptions.builder(copy).backgroundFlush(false)
              .backgroundCompaction(false).build())) {
            assertHistory(restored.read(ScanSpec.all()), before);
          }
        }
      } finally {
        stop.set(true);
        writer.get();
        pool.shutdown();
      }
    }
  }

  @Test
  void aFileMissingFromAFolderNoStoreChangesIsNamedNotRetried() throws Exception {
    Path data = dir.resolve("data");
    try (EventStore store = EventStore.open(data)) {
      store.append("orders", List.of(NewEvent.of("Placed", "o-1", "{}")));
      store.flush();
    }
    Path lost = HistoryAssertions.eventFiles(data).get(0);
    Files.delete(lost);
    IOException refused = assertThrows(IOException.class, () -> StoreBackup.copy(data, dir.resolve("copy")));
    assertTrue(refused.getMessage().startsWith(data.relativize(lost).toString().replace('\\', '/')
        + " is missing, and manifest 1, still the newest, needs it"), refused.getMessage());
  }

  @Test
  void refusesATargetThatHoldsAnythingAndASourceThatIsNoDataFolder() throws Exception {
    Path data = dir.resolve("data");
    try (EventStore store = EventStore.open(data)) {
      store.append("orders", List.of(NewEvent.of("Placed", "o-1", "{}")));
    }
    Path full = Files.createDirectories(dir.resolve("full"));
    Files.writeString(full.resolve("keep.txt"), "mine");
    IOException notEmpty = assertThrows(IOException.class, () -> StoreBackup.copy(data, full));
    assertTrue(notEmpty.getMessage().contains("is not empty"), notEmpty.getMessage());
    assertEquals("mine", Files.readString(full.resolve("keep.txt")));

    IOException notData = assertThrows(IOException.class, () -> StoreBackup.copy(full, dir.resolve("x")));
    assertTrue(notData.getMessage().contains("is not an Annals data folder"), notData.getMessage());

    IOException inside = assertThrows(IOException.class, () -> StoreBackup.copy(data, data.resolve("b")));
    assertTrue(inside.getMessage().contains("outside the data folder"), inside.getMessage());
  }
}
