package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.annals.storage.event.NewEvent;
import org.annals.storage.wal.WalSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newest WAL segment lost with acknowledged events in it (deleted by hand, lost in a copy) stops
 * the open, naming the segment and the way out, instead of opening without those events.
 */
class MissingWalSegmentTest {
  @TempDir Path dir;

  private static StoreOptions options(Path folder) {
    return StoreOptions.builder(folder).backgroundFlush(false).backgroundCompaction(false).build();
  }

  @Test
  void aMissingNewestSegmentStopsTheOpenNamingItAndTheWayOut() throws Exception {
    Path live = dir.resolve("live");
    Path image = dir.resolve("image");
    try (EventStore store = EventStore.open(options(live))) {
      store.append("orders", List.of(NewEvent.of("Placed", "o-1", "{}"), NewEvent.of("Placed", "o-2", "{}"),
          NewEvent.of("Placed", "o-3", "{}")));
      store.flush();
      store.append("orders", List.of(NewEvent.of("Paid", "o-1", "{}"), NewEvent.of("Paid", "o-2", "{}")));
      // What a crash now would leave: every acknowledged event is durable, two of them in the log.
      CrashImage.copy(live, image);
    }
    Path newest = WalSegments.path(image.resolve("wal"), 3);
    assertTrue(Files.exists(newest), "the flush started the segment of global_seq 3");
    Files.delete(newest);

    IOException refused = assertThrows(IOException.class, () -> EventStore.open(options(image)));
    assertTrue(refused.getMessage().contains("the newest WAL segment 00000000000000000003.wal is missing"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("delete wal/HEAD"), refused.getMessage());

    // The way out the message names, losing the two events: the store opens and goes on.
    Files.delete(image.resolve("wal").resolve("HEAD"));
    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(3, store.eventCount());
      assertEquals(3, store.append("orders", List.of(NewEvent.of("Paid", "o-3", "{}"))).positions().get(0).globalSeq());
    }
  }
}
