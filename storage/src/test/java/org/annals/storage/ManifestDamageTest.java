package org.annals.storage;

import static org.annals.storage.HistoryAssertions.eventFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.wal.WalCorruptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages the newest committed manifest. Recovery then falls back to the one before it; when the
 * log no longer reaches back that far the open fails, and it must fail before deleting the files
 * that only the damaged manifest lists, so that restoring the manifest brings everything back.
 */
class ManifestDamageTest {
  @TempDir Path dir;

  @Test
  void aDamagedNewestManifestFailsTheOpenWithoutDeletingItsFiles() throws IOException {
    StoreOptions options = StoreOptions.builder(dir).clock(new MutableClock(Instant.parse("2026-07-01T12:00:00Z")))
        .backgroundFlush(false).build();
    List<StoredEvent> events;
    try (EventStore store = EventStore.open(options)) {
      store.append("orders", List.of(NewEvent.of("OrderPlaced", "o-1", "{}")));
      store.flush();
      store.append("orders", List.of(NewEvent.of("OrderPaid", "o-1", "{}")));
      // This commit deletes the segment holding OrderPaid: its file is now its only copy.
      store.flush();
      events = HistoryAssertions.sorted(store.read(ScanSpec.all()));
    }
    List<Path> files = eventFiles(dir);
    assertEquals(2, files.size(), files.toString());
    Path newest = dir.resolve("manifest").resolve(String.format("%020d.json", 2));
    byte[] good = Files.readAllBytes(newest);
    byte[] damaged = good.clone();
    damaged[damaged.length - 2] ^= 1;
    Files.write(newest, damaged);

    assertThrows(WalCorruptionException.class, () -> EventStore.open(options));
    assertEquals(files, eventFiles(dir), "a failed open must not delete files");

    Files.write(newest, good);
    try (EventStore store = EventStore.open(options)) {
      assertEquals(events, HistoryAssertions.sorted(store.read(ScanSpec.all())));
    }
  }
}
