package org.annals.storage;

import static org.annals.storage.HistoryAssertions.assertHistory;
import static org.annals.storage.HistoryAssertions.eventFiles;
import static org.annals.storage.HistoryAssertions.filesPerDay;
import static org.annals.storage.HistoryAssertions.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.event.WrongExpectedVersionException;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.FileRows;
import org.annals.storage.scan.ParquetFiles;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.annals.storage.parquet.LocalHadoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction merges a partition's files into one sorted file through a manifest commit: the
 * store holds the same events before and after, lookups still find every entity, a snapshot
 * taken before keeps reading the replaced files, and those are deleted only when nothing reads
 * them.
 */
class CompactionTest {
  private static final Instant YESTERDAY = Instant.parse("2026-05-01T10:00:00Z");
  private static final Instant TODAY = Instant.parse("2026-05-02T09:00:00Z");

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(YESTERDAY);

  private EventStore open() throws IOException {
    return EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false)
        .backgroundCompaction(false).build());
  }

  /** Appends one flush's worth: events for entities spread over the whole id range. */
  private static List<AckLine> appendRound(EventStore store, int round, int events) {
    List<AckLine> acked = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      String entity = i % 7 == 0 ? null : "order-" + ((i * 37 + round) % 50);
      AppendResult r = store.append("orders", List.of(NewEvent.of("Round" + round, entity,
          "{\"round\": " + round + ", \"i\": " + i + "}")));
      acked.add(AckLine.of(r.positions().get(0), entity));
    }
    return acked;
  }

  @Test
  void mergesEachPartitionIntoOneSortedFileHoldingTheSameEvents() throws Exception {
    List<AckLine> acked = new ArrayList<>();
    try (EventStore store = open()) {
      for (int round = 0; round < 3; round++) {
        acked.addAll(appendRound(store, round, 40));
        store.flush();
      }
      clock.set(TODAY);
      for (int round = 3; round < 7; round++) {
        acked.addAll(appendRound(store, round, 40));
        store.flush();
      }
      assertEquals(Map.of("2026-05-01", 3, "2026-05-02", 4), filesPerDay(store));
      List<StoredEvent> before = sorted(store.read(ScanSpec.all()));

      // A past day merges whole; today's four small files make a full tier.
      assertEquals(2, store.compact());
      assertEquals(Map.of("2026-05-01", 1, "2026-05-02", 1), filesPerDay(store));
      assertEquals(0, store.compact(), "nothing is left to merge");
      assertEquals(before, sorted(store.read(ScanSpec.all())));
      assertHistory(store.read(ScanSpec.all()), acked);
      for (int e = 0; e < 50; e++) {
        String entity = "order-" + e;
        List<StoredEvent> expected = before.stream().filter(x -> entity.equals(x.entityId())).toList();
        assertEquals(expected, store.readEntity("orders", entity), entity);
      }
      StoreStatus status = store.status();
      assertEquals(2, status.compactions());
      assertEquals(7, status.compactedFiles());
      assertEquals(2, status.flushedFiles());
      assertEquals(acked.size(), status.flushedRows());

      try (Snapshot s = store.snapshot()) {
        for (DataFile f : s.manifest().files()) {
          assertFileOrder(f);
        }
      }
    }
    // The replaced files left the disk at the latest on close or reopen; only listed files remain.
    try (EventStore store = open()) {
      assertEquals(2, eventFiles(dir).size(), eventFiles(dir).toString());
      assertHistory(store.read(ScanSpec.all()), acked);
      // Versions continue where they were: the store rebuilt them from the merged files.
      assertThrowsWrongVersion(store, "order-3", 0);
      store.append("orders", List.of(NewEvent.of("Next", "order-3", "{}")
          .withExpectedVersion(ExpectedVersion.exactly(store.readEntity("orders", "order-3").size() - 1))));
    }
  }

  private static void assertThrowsWrongVersion(EventStore store, String entity, long expected) {
    try {
      store.append("orders", List.of(NewEvent.of("Stale", entity, "{}")
          .withExpectedVersion(ExpectedVersion.exactly(expected))));
      throw new AssertionError("a stale expected version was accepted");
    } catch (WrongExpectedVersionException expectedFailure) {
      // as it should be
    }
  }

  /** Rows of a file come in entity_id (nulls first, bytewise), seq order. */
  private void assertFileOrder(DataFile f) throws IOException {
    try (ParquetFiles files = new ParquetFiles(LocalHadoop.configuration(), 16);
        FileRows rows = new FileRows(dir, f, files)) {
      byte[] lastEntity = null;
      long lastSeq = -1;
      boolean first = true;
      long count = 0;
      while (rows.next()) {
        byte[] entity = rows.row().getBytes(EventColumn.ENTITY_ID);
        long seq = rows.row().getLong(EventColumn.SEQ);
        if (!first) {
          int c = lastEntity == null ? (entity == null ? 0 : -1)
              : entity == null ? 1 : Arrays.compareUnsigned(lastEntity, entity);
          assertTrue(c < 0 || c == 0 && seq > lastSeq, f.path() + ": row " + count + " out of order");
        }
        first = false;
        lastEntity = entity;
        lastSeq = seq;
        count++;
      }
      assertEquals(f.rows(), count);
    }
  }

  @Test
  void aSnapshotTakenBeforeKeepsReadingTheReplacedFilesUntilItCloses() throws Exception {
    clock.set(TODAY);
    try (EventStore store = open()) {
      List<AckLine> acked = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        acked.addAll(appendRound(store, round, 30));
        store.flush();
      }
      List<Path> flushed = eventFiles(dir);
      Snapshot old = store.snapshot();
      assertEquals(1, store.compact());
      acked.addAll(appendRound(store, 9, 5));
      store.flush();
      // Two commits later the replaced files would be free, but the old snapshot still reads them.
      assertTrue(flushed.stream().allMatch(Files::exists), "replaced files deleted under a snapshot");
      assertEquals(4, store.status().replacedFiles());
      assertEquals(120, StoredEvents.readAll(old, ScanSpec.all()).size());
      old.close();

      acked.addAll(appendRound(store, 10, 5));
      store.flush();
      assertFalse(flushed.stream().anyMatch(Files::exists), "replaced files left behind: " + eventFiles(dir));
      assertEquals(0, store.status().replacedFiles());
      assertHistory(store.read(ScanSpec.all()), acked);
    }
  }

  @Test
  void appendsFlushesAndScansGoOnWhileCompactionRuns() throws Exception {
    clock.set(TODAY);
    try (EventStore store = open()) {
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<AckLine> acked = java.util.Collections.synchronizedList(new ArrayList<>());
      Future<?> appender = pool.submit(() -> {
        for (int round = 0; round < 60; round++) {
          acked.addAll(appendRound(store, round, 20));
          store.flush();
        }
        return null;
      });
      Future<?> scanner = pool.submit(() -> {
        while (!stop.get()) {
          try (Snapshot s = store.snapshot()) {
            List<StoredEvent> seen = StoredEvents.readAll(s, ScanSpec.all());
            assertEquals(s.endGlobalSeq(), seen.size(), "a scan beside compaction saw a row twice or not at all");
          }
        }
        return null;
      });
      int merges = 0;
      while (!appender.isDone()) {
        merges += store.compact();
      }
      appender.get();
      stop.set(true);
      scanner.get();
      pool.shutdown();
      assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
      merges += store.compact();
      assertTrue(merges > 0, "no merge ran beside the appends");
      assertTrue(store.status().flushedFiles() < 4, "a full tier was left unmerged: " + store.status().flushedFiles());
      assertHistory(store.read(ScanSpec.all()), acked);
      assertEquals(1200, acked.size());
    }
  }

  @Test
  void aRecentWindowOfACompactedDayReadsOnlyThePagesThatOverlapIt() throws Exception {
    clock.set(TODAY);
    try (EventStore store = open()) {
      // Orders numbered in time order: their ids sort as their times do, as with many real ids.
      for (int flush = 0; flush < 4; flush++) {
        for (int i = 0; i < 2_000; i++) {
          store.append("orders", List.of(NewEvent.of("Placed", String.format("order-%06d", flush * 2_000 + i), "{}")));
        }
        clock.set(clock.instant().plusSeconds(3_600));
        store.flush();
      }
      assertEquals(1, store.compact());
      long end = clock.millis();
      ScanSpec lastHour = ScanSpec.builder().recordedBetween(end - 3_600_000, end).build();
      try (Snapshot s = store.snapshot(); EventScanner scan = s.scan(lastHour)) {
        long rows = 0;
        while (scan.next()) {
          rows += scan.batch().getRowCount();
        }
        assertEquals(2_000, rows);
        assertTrue(scan.stats().fileRowsDecoded() < 3_000,
            "the page index left " + scan.stats().fileRowsDecoded() + " of 8,000 rows to decode");
      }
    }
  }

  @Test
  void aDamagedFileFailsItsMergeByNameAndIsLeftOutAfterwards() throws Exception {
    clock.set(TODAY);
    try (EventStore store = open()) {
      for (int round = 0; round < 4; round++) {
        appendRound(store, round, 40);
        store.flush();
      }
      DataFile victim;
      try (Snapshot s = store.snapshot()) {
        victim = s.manifest().files().get(0);
      }
      Path file = dir.resolve(victim.path());
      byte[] bytes = Files.readAllBytes(file);
      bytes[40] ^= 0x5a; // inside the first data page, whose checksum then fails
      Files.write(file, bytes);

      IOException failure = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, store::compact);
      assertTrue(failure.getMessage().contains(victim.path()), failure.getMessage());
      assertEquals(List.of(), eventFiles(dir).stream().filter(f -> f.toString().endsWith(".tmp")).toList(),
          "the failed merge left its temporary file");
      assertEquals(4, store.status().flushedFiles(), "a failed merge changes nothing");
      assertTrue(store.status().damagedFiles().containsKey(victim.path()));

      assertEquals(0, store.compact(), "three readable files are not a full tier");
      appendRound(store, 7, 40);
      store.flush();
      assertEquals(1, store.compact(), "the four readable files merge without the damaged one");
      try (Snapshot s = store.snapshot()) {
        assertTrue(s.manifest().files().contains(victim), "the damaged file stays listed, for its restore");
        assertEquals(2, s.manifest().files().size());
      }
    }
  }

  @Test
  void theBackgroundCompactorKeepsTheFileCountBounded() throws Exception {
    clock.set(TODAY);
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build())) {
      List<AckLine> acked = new ArrayList<>();
      for (int round = 0; round < 12; round++) {
        acked.addAll(appendRound(store, round, 10));
        store.flush();
      }
      // A merge's counters move just after its manifest is published: wait for both.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      StoreStatus status = store.status();
      while ((status.flushedFiles() >= 4 || status.compactions() == 0) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        status = store.status();
      }
      assertTrue(status.flushedFiles() < 4, "files: " + status.flushedFiles());
      assertTrue(status.compactions() > 0, "merges: " + status.compactions());
      assertHistory(store.read(ScanSpec.all()), acked);
    }
  }
}
