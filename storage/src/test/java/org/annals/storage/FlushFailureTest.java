package org.annals.storage;

import static org.annals.storage.HistoryAssertions.eventFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flush writes its partitions' files on several threads. When one file cannot be written, the
 * flush fails as a whole: the files the other threads wrote are deleted, nothing is committed, and
 * every event stays readable and is flushed by the next attempt.
 */
class FlushFailureTest {
  @TempDir Path dir;

  @Test
  void oneUnwritablePartitionFailsTheWholeFlushAndLosesNothing() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock)
        .backgroundFlush(false).flushThreads(3).build())) {
      for (int day = 0; day < 6; day++) {
        for (String stream : List.of("a", "b")) {
          List<NewEvent> batch = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            batch.add(NewEvent.of("T", stream + "-" + (i % 7), "{\"day\":" + day + ",\"i\":" + i + "}"));
          }
          store.append(stream, batch);
        }
        clock.advanceMillis(86_400_000);
      }
      // A plain file where the flush must create the folder of stream b's fourth day.
      Path blocked = dir.resolve("events/stream_name=b/date=2026-03-04");
      Files.createDirectories(blocked.getParent());
      Files.writeString(blocked, "in the way");

      IOException failure = assertThrows(IOException.class, store::flush);
      assertTrue(failure.getMessage().contains("2026-03-04"), failure.getMessage());
      assertEquals(List.of(blocked), eventFiles(dir),
          "the other partitions' files were deleted, temporary ones too");
      assertEquals(0, store.status().manifestVersion(), "nothing was committed");
      assertEquals(600, store.read(ScanSpec.all()).size(), "every event is still readable");

      Files.delete(blocked);
      store.flush();
      assertEquals(12, eventFiles(dir).size(), "one file per stream and day");
      assertEquals(0, store.status().memtableRows());
      List<StoredEvent> all = store.read(ScanSpec.all());
      assertEquals(600, all.size());
      assertEquals(600, all.stream().map(StoredEvent::globalSeq).distinct().count());
    }
  }

  @Test
  void anInterruptedFlushCommitsNothingAndLeavesFlushingWorking() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock)
        .backgroundFlush(false).build())) {
      store.append("a", List.of(NewEvent.of("T", "e-1", "{}"), NewEvent.of("T", "e-2", "{}")));
      Thread.currentThread().interrupt();
      try {
        assertThrows(InterruptedIOException.class, store::flush);
      } finally {
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
      }
      assertEquals(List.of(), eventFiles(dir));
      assertEquals(0, store.status().manifestVersion());
      store.flush();
      assertEquals(1, store.status().manifestVersion(), "flushing still works");
      assertEquals(2, store.status().flushedRows());
    }
  }
}
