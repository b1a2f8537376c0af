package org.annals.storage;

import static org.annals.storage.HistoryAssertions.eventFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.event.WrongExpectedVersionException;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream's retention takes its expired days out of the manifest, the disk and every read, keeps
 * its counters, forgets the entities left without events, and holds across a reopen.
 */
class RetentionTest {
  private static final Instant DAY_ONE = Instant.parse("2026-08-01T10:00:00Z");
  private static final long DAY = 86_400_000L;

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(DAY_ONE);

  private EventStore open() throws Exception {
    return EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false)
        .backgroundCompaction(false).build());
  }

  @Test
  void expiredDaysLeaveEverywhereAndEntitiesLeftWithoutEventsStartAgain() throws Exception {
    try (EventStore store = open()) {
      // Day 1: a-1 and b-1; day 2: b-1 again; day 3: c-1. Payments has no retention.
      store.append("orders", List.of(NewEvent.of("Placed", "a-1", "{}"), NewEvent.of("Placed", "b-1", "{}")));
      store.append("payments", List.of(NewEvent.of("Captured", "p-1", "{}")));
      store.flush();
      clock.set(DAY_ONE.plusMillis(DAY));
      store.append("orders", List.of(NewEvent.of("Paid", "b-1", "{}")));
      store.flush();
      clock.set(DAY_ONE.plusMillis(2 * DAY));
      store.append("orders", List.of(NewEvent.of("Placed", "c-1", "{}")));
      store.flush();
      assertEquals(4, eventFiles(dir).size());

      // Two days kept, on day 3 at 10:00: day 1's events are 48 h old, so day 1 leaves.
      store.setRetention("orders", Duration.ofDays(2));
      assertThrows(IllegalArgumentException.class, () -> store.setRetention("orders", Duration.ofHours(3)));
      assertEquals(Map.of("orders", Duration.ofDays(2)), store.retention());
      List<StoredEvent> orders = HistoryAssertions.sorted(store.read(ScanSpec.builder().stream("orders").build()));
      assertEquals(List.of("b-1/1", "c-1/0"), orders.stream().map(e -> e.entityId() + "/" + e.version()).toList());
      assertEquals(1, store.read(ScanSpec.builder().stream("payments").build()).size(), "payments keeps everything");

      StreamStats stats = store.streamStats().get(0);
      assertEquals("orders", stats.streamName());
      assertEquals(4, stats.events(), "the seq counter keeps counting expired events");
      assertEquals(2, stats.storedEvents());
      assertEquals(Duration.ofDays(2), stats.retention());
      assertNull(store.streamStats().get(1).retention());

      assertHasNoEntity(store, "a-1");
      AppendResult again = store.append("orders", List.of(NewEvent.of("Placed", "a-1", "{}")
          .withExpectedVersion(ExpectedVersion.NO_EVENTS)));
      assertEquals(0, again.positions().get(0).version());
      assertEquals(4, again.positions().get(0).seq(), "a seq is never given twice");
      assertThrows(WrongExpectedVersionException.class, () -> store.append("orders",
          List.of(NewEvent.of("Paid", "b-1", "{}").withExpectedVersion(ExpectedVersion.exactly(0)))),
          "b-1 keeps its versions: its day-2 event is still there");

      // The replaced file leaves the disk after the next commit, once nothing reads it.
      store.flush();
      assertEquals(4, eventFiles(dir).size(), "day 1 orders gone, day 3 orders added: " + eventFiles(dir));
    }
    try (EventStore store = open()) {
      assertEquals(Map.of("orders", Duration.ofDays(2)), store.retention(), "the retention is committed");
      assertEquals(3, store.read(ScanSpec.builder().stream("orders").build()).size());
      assertEquals(1, store.readEntity("orders", "a-1").size());
      assertThrows(WrongExpectedVersionException.class, () -> store.append("orders",
          List.of(NewEvent.of("Paid", "a-1", "{}").withExpectedVersion(ExpectedVersion.exactly(1)))));

      // A day later, day 2 leaves too; the stream's retention can be removed again.
      clock.set(DAY_ONE.plusMillis(3 * DAY + 1));
      assertEquals(1, store.applyRetention());
      assertHasNoEntity(store, "b-1");
      store.setRetention("orders", null);
      assertEquals(Map.of(), store.retention());
    }
  }

  @Test
  void aRetentionByCountDropsTheOldestFilesTheNewestEventsDoNotNeed() throws Exception {
    try (EventStore store = open()) {
      // Three days of orders in three files: 3, 2 and 2 events; then 1 unflushed.
      store.append("orders", List.of(NewEvent.of("Placed", "a-1", "{}"), NewEvent.of("Placed", "b-1", "{}"),
          NewEvent.of("Paid", "a-1", "{}")));
      store.flush();
      clock.set(DAY_ONE.plusMillis(DAY));
      store.append("orders", List.of(NewEvent.of("Placed", "c-1", "{}"), NewEvent.of("Paid", "b-1", "{}")));
      store.flush();
      clock.set(DAY_ONE.plusMillis(2 * DAY));
      store.append("orders", List.of(NewEvent.of("Placed", "d-1", "{}"), NewEvent.of("Paid", "c-1", "{}")));
      store.flush();
      store.append("orders", List.of(NewEvent.of("Placed", "e-1", "{}")));

      assertThrows(IllegalArgumentException.class, () -> store.setRetainedEvents("orders", 0L));
      // Keep 3: the first file goes (the files after it hold 4), the second stays (the last holds 2).
      store.setRetainedEvents("orders", 3L);
      assertEquals(Map.of("orders", 3L), store.retainedEvents());
      List<StoredEvent> orders = HistoryAssertions.sorted(store.read(ScanSpec.builder().stream("orders").build()));
      assertEquals(List.of("c-1/0", "b-1/1", "d-1/0", "c-1/1", "e-1/0"),
          orders.stream().map(e -> e.entityId() + "/" + e.version()).toList());
      assertHasNoEntity(store, "a-1");
      StreamStats stats = store.streamStats().get(0);
      assertEquals(3L, stats.retainedEvents());
      assertEquals(5, stats.storedEvents());
      assertEquals(8, stats.events(), "the seq counter keeps counting dropped events");
    }
    try (EventStore store = open()) {
      assertEquals(Map.of("orders", 3L), store.retainedEvents(), "committed with the manifest");
      // The reopen flushed e-1 into a file of its own: now the second file goes, leaving 3.
      assertEquals(1, store.applyRetention());
      assertEquals(3, store.read(ScanSpec.builder().stream("orders").build()).size());
      store.setRetainedEvents("orders", null);
      assertEquals(Map.of(), store.retainedEvents());
    }
  }

  @Test
  void aRetentionByCountKeepsAFileThatAMergedFileSpans() {
    DataFile first = file("a", 0, 9);
    DataFile second = file("b", 10, 19);
    DataFile third = file("c", 20, 29);
    Manifest apart = Manifest.empty().plus(List.of(first, second, third), 30, Map.of("orders", 30L));
    assertEquals(List.of(first), RetentionSweep.beyondCount(apart, "orders", 15), "the oldest goes, 20 stay");
    assertEquals(List.of(first, second), RetentionSweep.beyondCount(apart, "orders", 10));
    assertEquals(List.of(), RetentionSweep.beyondCount(apart, "orders", 30));

    // The first and third merged into one file by size: the second, between them, must stay, or
    // newer events would go while older ones stayed.
    DataFile merged = new DataFile("m", "orders", "2026-08-01", 20, 2_000, 0, 29, 0, 29, 0, 0, "a", "z");
    Manifest compacted = Manifest.empty().plus(List.of(merged, second), 30, Map.of("orders", 30L));
    assertEquals(List.of(), RetentionSweep.beyondCount(compacted, "orders", 5));
  }

  /** A file of ten orders with these global_seqs (and seqs). */
  private static DataFile file(String name, long minGlobalSeq, long maxGlobalSeq) {
    return new DataFile(name, "orders", "2026-08-01", maxGlobalSeq - minGlobalSeq + 1, 1_000, minGlobalSeq,
        maxGlobalSeq, minGlobalSeq, maxGlobalSeq, 0, 0, "a", "z");
  }

  private static void assertHasNoEntity(EventStore store, String entity) throws Exception {
    assertEquals(List.of(), store.readEntity("orders", entity), entity);
    assertTrue(store.read(ScanSpec.builder().stream("orders").entityId(entity).build()).isEmpty());
  }
}
