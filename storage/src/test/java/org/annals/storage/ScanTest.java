package org.annals.storage;

import static org.annals.storage.HistoryAssertions.sorted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.parquet.PartitionPath;
import org.annals.storage.scan.AggregateSpec;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.ScanStats;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 events across several streams and days, partly flushed and partly only in the WAL,
 * read back through scans with and without predicates, compared with what was appended. The
 * store stays open between the tests, so they read both places; the last test reopens it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScanTest {
  private static final String[] STREAMS = {"orders", "payments", "carts", "customers"};
  private static final int DAYS = 5;
  private static final int EVENTS = 100_000;
  private static final Instant START = Instant.parse("2026-01-10T00:00:00Z");

  @TempDir static Path dir;
  private final List<StoredEvent> appended = new ArrayList<>();
  private EventStore store;

  @BeforeAll
  void fill() throws Exception {
    MutableClock clock = new MutableClock(START);
    Random random = new Random(42);
    store = EventStore.open(options(clock));
    long perDay = EVENTS / DAYS;
    int written = 0;
    while (written < EVENTS) {
      int day = (int) (written / perDay);
      clock.set(START.plus(Duration.ofDays(day)).plusMillis(random.nextInt(86_000_000)));
      String stream = STREAMS[random.nextInt(STREAMS.length)];
      List<NewEvent> batch = new ArrayList<>();
      int size = 1 + random.nextInt(50);
      for (int i = 0; i < size && written + batch.size() < EVENTS; i++) {
        int entity = random.nextInt(2000);
        String type = "Type" + random.nextInt(6);
        batch.add(NewEvent.of(type, entity % 10 == 0 ? null : "e-" + entity,
            "{\"n\":" + (written + i) + ",\"amount\":" + random.nextInt(1000) + "}"));
      }
      store.append(stream, batch);
      written += batch.size();
      // Flush the first three days; the last two stay in the WAL (and memtable) only.
      if (day < 3 && written % 20_000 < size) {
        store.flush();
      }
    }
    appended.addAll(store.read(ScanSpec.all()));
    assertTrue(store.status().flushedRows() > 50_000, "some events are flushed");
    assertTrue(store.status().memtableRows() > 30_000, "some events are only in the WAL");
  }

  @AfterAll
  void close() throws Exception {
    store.close();
  }

  private StoreOptions options(MutableClock clock) {
    return StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build();
  }

  private EventStore reopen() throws Exception {
    return EventStore.open(options(new MutableClock(START.plus(Duration.ofDays(DAYS)))));
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void everythingReadsBackIdenticalAfterReopen() throws Exception {
    assertEquals(EVENTS, appended.size());
    store.close();
    try (EventStore reopened = reopen()) {
      List<StoredEvent> read = sorted(reopened.read(ScanSpec.all()));
      assertEquals(sorted(appended), read);
      for (int i = 0; i < read.size(); i++) {
        assertEquals(i, read.get(i).globalSeq(), "global_seq is dense");
      }
    }
  }

  @Test
  void predicatesReturnExactlyTheMatchingRows() throws Exception {
    long day1 = START.plus(Duration.ofDays(1)).toEpochMilli();
    long day4 = START.plus(Duration.ofDays(4)).toEpochMilli();
    check(ScanSpec.builder().stream("orders").build(), e -> e.streamName().equals("orders"));
    check(ScanSpec.builder().recordedBetween(day1 + 3_600_000, day4 - 1).build(),
        e -> e.recordedAt() >= day1 + 3_600_000 && e.recordedAt() < day4 - 1);
    check(ScanSpec.builder().stream("payments").entityId("e-7").build(),
        e -> e.streamName().equals("payments") && "e-7".equals(e.entityId()));
    check(ScanSpec.builder().eventType("Type3").streams(Set.of("carts", "orders")).build(),
        e -> e.eventType().equals("Type3") && Set.of("carts", "orders").contains(e.streamName()));
    check(ScanSpec.builder().stream("customers").seqBetween(100, 5_000).build(),
        e -> e.streamName().equals("customers") && e.seq() >= 100 && e.seq() <= 5_000);
    check(ScanSpec.builder().globalSeqBetween(59_990, 60_010).build(),
        e -> e.globalSeq() >= 59_990 && e.globalSeq() <= 60_010);
    check(ScanSpec.builder().entityId("nobody").build(), e -> false);
  }

  @Test
  void entityHistoryAndStreamReadsAreOrdered() throws Exception {
    List<StoredEvent> history = store.readEntity("orders", "e-11");
    List<StoredEvent> expected = appended.stream()
        .filter(e -> e.streamName().equals("orders") && "e-11".equals(e.entityId()))
        .sorted(Comparator.comparingLong(StoredEvent::version)).toList();
    assertEquals(expected, history);
    for (int v = 0; v < history.size(); v++) {
      assertEquals(v, history.get(v).version());
    }
    List<StoredEvent> page = store.readStream("carts", 1000, 250);
    assertEquals(250, page.size());
    for (int i = 0; i < page.size(); i++) {
      assertEquals(1000 + i, page.get(i).seq());
    }
  }

  @Test
  void partitionsFilesAndRowGroupsArePruned() throws Exception {
    try (Snapshot snapshot = store.snapshot()) {
      assertTrue(snapshot.memtableRows() > 0, "the scans read the memtable too");
      ScanStats all = drain(snapshot, ScanSpec.builder().columns(EventColumn.SEQ).build());
      long files = snapshot.manifest().files().size();
      assertEquals(files, all.filesOpened());

      // One stream, one flushed day: only that partition's files are opened.
      long day1 = START.plus(Duration.ofDays(1)).toEpochMilli();
      String day = PartitionPath.day(day1);
      long partitionFiles = snapshot.manifest().files().stream()
          .filter(f -> f.streamName().equals("orders") && f.date().equals(day)).count();
      ScanStats oneDay = drain(snapshot, ScanSpec.builder().columns(EventColumn.SEQ).stream("orders")
          .recordedBetween(day1, day1 + PartitionPath.MILLIS_PER_DAY).build());
      assertTrue(partitionFiles > 0);
      assertEquals(partitionFiles, oneDay.filesOpened(), oneDay.toString());
      assertTrue(oneDay.filesOpened() < files / 4, oneDay.toString());

      // An entity id no file holds: statistics or bloom filters rule out every row group.
      ScanStats missing = drain(snapshot, ScanSpec.builder().columns(EventColumn.SEQ)
          .entityId("e-1500x").build());
      assertEquals(0, missing.fileRowsDecoded(), missing.toString());
      assertTrue(missing.rowGroupsSkippedByBloomFilter() + missing.rowGroupsSkippedByStatistics()
          + (files - missing.filesOpened()) >= files, missing.toString());
    }
  }

  @Test
  void onlyTheWantedColumnsComeBack() throws Exception {
    try (Snapshot snapshot = store.snapshot();
         EventScanner scan = snapshot.scan(ScanSpec.builder().columns(EventColumn.GLOBAL_SEQ)
             .eventType("Type1").build())) {
      Set<Long> seen = new HashSet<>();
      while (scan.next()) {
        assertEquals(1, scan.batch().getFieldVectors().size());
        BigIntVector v = (BigIntVector) scan.batch().getVector(0);
        for (int i = 0; i < scan.batch().getRowCount(); i++) {
          seen.add(v.get(i));
        }
      }
      Set<Long> expected = new HashSet<>();
      appended.stream().filter(e -> e.eventType().equals("Type1")).forEach(e -> expected.add(e.globalSeq()));
      assertEquals(expected, seen);
    }
  }

  @Test
  void aCancelledScanOrAggregateStopsReading() throws Exception {
    try (Snapshot snapshot = store.snapshot()) {
      AtomicBoolean cancelled = new AtomicBoolean();
      try (EventScanner scan = snapshot.scan(ScanSpec.builder().columns(EventColumn.SEQ).build(), cancelled::get)) {
        assertTrue(scan.next());
        cancelled.set(true);
        assertThrows(CancellationException.class, scan::next);
        assertTrue(scan.stats().rowsReturned() < EVENTS / 10, scan.stats().toString());
      }
      ScanStats stats = new ScanStats();
      assertThrows(CancellationException.class, () -> snapshot.aggregate(ScanSpec.builder().eventType("Type2").build(),
          new AggregateSpec(List.of(AggregateSpec.GroupKey.of(EventColumn.EVENT_TYPE)),
              List.of(AggregateSpec.Measure.countRows())), cancelled::get, stats));
      assertEquals(0, stats.fileRowsDecoded() + stats.memtableRowsRead(), stats.toString());
    }
  }

  @Test
  void aTopNReturnsTheRowsWithTheGreatestOrLeastPositionsFromFilesAndMemtable() throws Exception {
    try (Snapshot snapshot = store.snapshot()) {
      // global_seq is unique, so the rows themselves are known; the newest half is in the memtable.
      List<Long> newest = appended.stream().map(StoredEvent::globalSeq).sorted(Comparator.reverseOrder()).limit(50).toList();
      assertEquals(Set.copyOf(newest), Set.copyOf(topGlobalSeqs(snapshot, ScanSpec.all(), EventColumn.GLOBAL_SEQ, true, 50)));
      List<Long> oldest = appended.stream().map(StoredEvent::globalSeq).sorted().limit(70).toList();
      assertEquals(Set.copyOf(oldest), Set.copyOf(topGlobalSeqs(snapshot, ScanSpec.all(), EventColumn.GLOBAL_SEQ, false, 70)));
      // recorded_at has ties: the values are fixed, not which tied rows carry them.
      ScanSpec carts = ScanSpec.builder().stream("carts").eventType("Type3").build();
      Predicate<StoredEvent> isCart = e -> e.streamName().equals("carts") && e.eventType().equals("Type3");
      List<Long> earliest = appended.stream().filter(isCart).map(StoredEvent::recordedAt).sorted().limit(40).toList();
      Map<Long, Long> recordedAt = new HashMap<>();
      appended.forEach(e -> recordedAt.put(e.globalSeq(), e.recordedAt()));
      List<Long> got = topGlobalSeqs(snapshot, carts, EventColumn.RECORDED_AT, false, 40);
      assertEquals(40, got.size());
      assertEquals(earliest, got.stream().map(recordedAt::get).sorted().toList());
      for (long g : got) {
        StoredEvent e = appended.stream().filter(x -> x.globalSeq() == g).findFirst().orElseThrow();
        assertTrue(isCart.test(e), "a returned row satisfies the filters: " + e);
      }
      assertEquals(List.of(), topGlobalSeqs(snapshot, ScanSpec.builder().stream("nope").build(), EventColumn.SEQ, true, 5));
      assertEquals(appended.size(), topGlobalSeqs(snapshot, ScanSpec.all(), EventColumn.SEQ, true, EVENTS * 2).size(),
          "a limit beyond the rows returns them all");
    }
  }

  private static List<Long> topGlobalSeqs(Snapshot snapshot, ScanSpec spec, EventColumn column, boolean descending, int n)
      throws Exception {
    List<Long> out = new ArrayList<>();
    try (EventScanner scan = snapshot.top(spec.withColumns(List.of(EventColumn.GLOBAL_SEQ)), column, descending, n,
        () -> false)) {
      while (scan.next()) {
        BigIntVector v = (BigIntVector) scan.batch().getVector(0);
        for (int i = 0; i < scan.batch().getRowCount(); i++) {
          out.add(v.get(i));
        }
      }
    }
    return out;
  }

  @Test
  void aggregatesAnswerAsTheRowsDo() throws Exception {
    long day1 = START.plus(Duration.ofDays(1)).toEpochMilli();
    long hour = 3_600_000;
    try (Snapshot snapshot = store.snapshot()) {
      AggregateSpec perTypeAndHour = new AggregateSpec(
          List.of(AggregateSpec.GroupKey.of(EventColumn.EVENT_TYPE), new AggregateSpec.GroupKey(EventColumn.RECORDED_AT, hour)),
          List.of(AggregateSpec.Measure.countRows(), new AggregateSpec.Measure(AggregateSpec.Function.COUNT, EventColumn.ENTITY_ID),
              new AggregateSpec.Measure(AggregateSpec.Function.SUM, EventColumn.VERSION),
              new AggregateSpec.Measure(AggregateSpec.Function.MAX, EventColumn.GLOBAL_SEQ)));
      ScanSpec someDays = ScanSpec.builder().streams(Set.of("orders", "carts")).recordedBetween(day1, day1 + 3 * 86_400_000L).build();
      Map<List<Object>, long[]> expected = new HashMap<>();
      for (StoredEvent e : appended) {
        if (!Set.of("orders", "carts").contains(e.streamName()) || e.recordedAt() < day1 || e.recordedAt() >= day1 + 3 * 86_400_000L) {
          continue;
        }
        long[] m = expected.computeIfAbsent(List.of(e.eventType(), Math.floorDiv(e.recordedAt(), hour) * hour),
            k -> new long[] {0, 0, 0, Long.MIN_VALUE});
        m[0]++;
        m[1] += e.entityId() == null ? 0 : 1;
        m[2] += e.version() == null ? 0 : e.version();
        m[3] = Math.max(m[3], e.globalSeq());
      }
      Map<List<Object>, long[]> actual = new HashMap<>();
      for (Object[] row : snapshot.aggregate(someDays, perTypeAndHour, () -> false, new ScanStats())) {
        actual.put(List.of(row[0], row[1]), new long[] {(Long) row[2], (Long) row[3], (Long) row[4], (Long) row[5]});
      }
      assertEquals(expected.keySet(), actual.keySet());
      expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k.toString()));

      // Counts per stream of whole files come from the manifest; the memtable's are counted.
      ScanStats stats = new ScanStats();
      List<Object[]> perStream = snapshot.aggregate(ScanSpec.all(), new AggregateSpec(
          List.of(AggregateSpec.GroupKey.of(EventColumn.STREAM_NAME)), List.of(AggregateSpec.Measure.countRows(),
              new AggregateSpec.Measure(AggregateSpec.Function.MIN, EventColumn.SEQ))), () -> false, stats);
      assertEquals(snapshot.manifest().files().size(), stats.filesAnsweredByManifest(), stats.toString());
      assertEquals(0, stats.fileRowsDecoded(), stats.toString());
      for (Object[] row : perStream) {
        assertEquals(appended.stream().filter(e -> e.streamName().equals(row[0])).count(), row[1]);
        assertEquals(0L, row[2]);
      }
      List<Object[]> none = snapshot.aggregate(ScanSpec.builder().entityId("nobody").build(), new AggregateSpec(List.of(),
          List.of(AggregateSpec.Measure.countRows(), new AggregateSpec.Measure(AggregateSpec.Function.SUM, EventColumn.SEQ))),
          () -> false, new ScanStats());
      assertArrayEquals(new Object[] {0L, null}, none.get(0), "a count of nothing is 0, a sum of nothing null");
    }
  }

  @Test
  void anEntityLookupDecodesOnlyTheEntitysRowsFromFiles() throws Exception {
    try (Snapshot snapshot = store.snapshot()) {
      ScanStats stats = drain(snapshot, ScanSpec.builder().stream("orders").entityId("e-13").build());
      long inFiles = appended.stream().filter(e -> e.streamName().equals("orders") && "e-13".equals(e.entityId())
          && e.globalSeq() < snapshot.manifest().coveredGlobalSeq()).count();
      assertTrue(inFiles > 0);
      assertEquals(inFiles, stats.fileRowsDecoded(), stats.toString());
    }
  }

  private void check(ScanSpec spec, Predicate<StoredEvent> expected)
      throws Exception {
    List<StoredEvent> want = sorted(appended.stream().filter(expected).toList());
    assertEquals(want, sorted(store.read(spec)), spec.toString());
  }

  private static ScanStats drain(Snapshot snapshot, ScanSpec spec) throws Exception {
    try (EventScanner scan = snapshot.scan(spec)) {
      while (scan.next()) {
        scan.batch();
      }
      return scan.stats();
    }
  }
}
