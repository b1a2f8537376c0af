package org.annals.storage;

import static org.annals.storage.HistoryAssertions.eventFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages the newest committed manifest. Recovery then falls back to the one before it; when the
 * log no longer reaches back that far the open fails, naming the damaged manifest and the way out
 * (this open and every later one, not blaming the log), and it must fail before deleting the files
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

    for (String open : List.of("first", "second")) {
      IOException e = assertThrows(IOException.class, () -> EventStore.open(options));
      assertTrue(e.getMessage().contains("the manifest covers only the events below 1"), open + ": " + e.getMessage());
      assertTrue(e.getMessage().contains("The manifest manifest/00000000000000000002.json.corrupt was found damaged"),
          open + " open names the damaged manifest: " + e.getMessage());
      assertTrue(e.getMessage().contains("Restore 00000000000000000002.json from a backup"), open + ": " + e.getMessage());
      assertEquals(files, eventFiles(dir), "a failed open must not delete files");
    }

    Files.write(newest, good);
    try (EventStore store = EventStore.open(options)) {
      assertEquals(events, HistoryAssertions.sorted(store.read(ScanSpec.all())));
    }
  }
}
