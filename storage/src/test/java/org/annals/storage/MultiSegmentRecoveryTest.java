package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log of many segments above the manifest is read back segment by segment on several threads
 * and joined: the recovered store must be the one a single pass gives. Events must come back
 * whole and in order, each stream's seq and each entity's version must go on from their last
 * values even where those lie in another segment than the entity's first event, and a retried
 * batch must still be recognised.
 */
class MultiSegmentRecoveryTest {
  private static final List<String> STREAMS = List.of("orders", "payments", "audit");

  @TempDir Path dir;

  private static StoreOptions options(Path folder) {
    return StoreOptions.builder(folder).backgroundFlush(false).backgroundCompaction(false)
        .walSegmentBytes(8 * 1024).memtableChunkRows(64).build();
  }

  @Test
  void aLogOfManySegmentsRecoversAsOnePassWould() throws Exception {
    Path live = dir.resolve("live");
    Path image = dir.resolve("image");
    List<StoredEvent> stored;
    List<NewEvent> retried;
    AppendResult original;
    try (EventStore store = EventStore.open(options(live))) {
      EntityRounds.append(store, STREAMS, 0, 20);
      store.flush();
      // Replay starts here, past the flushed events, in the segment the flush left the log in.
      retried = List.of(NewEvent.of("Placed", "order-0", "{\"retry\":1}").withEventId(UUID.randomUUID()),
          NewEvent.of("Paid", "order-1", "{\"retry\":2}").withEventId(UUID.randomUUID()));
      original = store.append("orders", retried);
      EntityRounds.append(store, STREAMS, 20, 200);
      stored = store.read(ScanSpec.all());
      // What a crash now would leave: every acknowledged event is durable, most of them in the log.
      CrashImage.copy(live, image);
    }
    // Without the memtable's chunk files, every event above the manifest comes from the log.
    try (Stream<Path> chunks = Files.list(image.resolve("memtable"))) {
      for (Path p : chunks.toList()) {
        Files.delete(p);
      }
    }
    long segments;
    try (Stream<Path> files = Files.list(image.resolve("wal"))) {
      segments = files.filter(p -> p.toString().endsWith(".wal")).count();
    }
    assertTrue(segments >= 8, "the test needs more segments than threads to read them; it has " + segments);

    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(stored, store.read(ScanSpec.all()), "every event, whole and in global_seq order");

      AppendResult retry = store.append("orders", retried);
      assertTrue(retry.duplicate(), "a batch stored just above the manifest is known after the replay");
      assertEquals(original.positions(), retry.positions());

      EntityRounds.assertGoesOn(store, STREAMS, stored);
      assertEquals(stored.size() + 3, store.eventCount());
    }
  }
}
