package org.annals.storage;

import static org.annals.storage.HistoryAssertions.assertHistory;
import static org.annals.storage.HistoryAssertions.assertKeptManifestsWhole;
import static org.annals.storage.HistoryAssertions.assertOnlyListedFiles;
import static org.annals.storage.HistoryAssertions.filesPerDay;
import static org.annals.storage.HistoryAssertions.eventFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.fs.CrashPoint;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Halts a child JVM for real at each step of a compaction and of an erasure, then recovers the
 * folder: every acknowledged event is there exactly once (an erased entity's events all there or
 * all gone), a partition holds either its old files or their replacements (never both, never
 * neither), and nothing half-done survives the reopen.
 */
class MaintenanceCrashTest {
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = CrashPoint.class, names = "WAL_DELETED", mode = EnumSource.Mode.EXCLUDE)
  void acknowledgedEventsSurviveACrashAtEachStepOfACompaction(CrashPoint point) throws Exception {
    Path data = dir.resolve("data");
    List<AckLine> acked = new ArrayList<>(buildHistory(data));
    assertEquals(7 * MaintenanceCrashChild.EVENTS_PER_FLUSH, acked.size());
    List<Path> flushed = eventFiles(data);
    assertEquals(7, flushed.size());

    ChildJvm compact = ChildJvm.start(MaintenanceCrashChild.class, dir.resolve("compact"),
        List.of("-Dannals.crashAt=" + point.propertyValue()), data.toString(), "compact");
    assertEquals(CrashPoint.EXIT_STATUS, compact.awaitExit(CHILD_TIMEOUT),
        "the child must halt at " + point + "; its stderr:\n" + compact.stderr());
    acked.addAll(compact.acknowledged());
    // The second merge's commit deletes the files the first one replaced (yesterday's).
    for (Path f : flushed) {
      boolean deleted = point == CrashPoint.REPLACED_DELETED && f.toString().contains("date=2026-06-01");
      assertEquals(!deleted, Files.exists(f), point + ": " + f);
    }

    // Yesterday's three files are merged first; the published manifest is the commit point.
    boolean committed = point.compareTo(CrashPoint.MANIFEST_PUBLISHED) >= 0;
    MutableClock clock = new MutableClock(MaintenanceCrashChild.TODAY.plusSeconds(3600));
    try (EventStore store = EventStore.open(MaintenanceCrashChild.options(data, clock))) {
      assertOnlyListedFiles(data);
      assertKeptManifestsWhole(data);
      assertEquals(committed ? 1 : 3, filesPerDay(store).get("2026-06-01"), point + ": yesterday's files");
      assertHistory(store.read(ScanSpec.all()), acked);
      assertEquals(acked.size(), store.eventCount());

      store.compact();
      assertEquals(Map.of("2026-06-01", 1, "2026-06-02", 1), filesPerDay(store));
      assertHistory(store.read(ScanSpec.all()), acked);
    }
    try (EventStore store = EventStore.open(MaintenanceCrashChild.options(data, clock))) {
      assertOnlyListedFiles(data);
      assertKeptManifestsWhole(data);
      assertHistory(store.read(ScanSpec.all()), acked);
    }
  }

  @ParameterizedTest
  @EnumSource(value = CrashPoint.class, names = "WAL_DELETED", mode = EnumSource.Mode.EXCLUDE)
  void anErasureCutShortByACrashIsAllOrNothingAndCompletesWhenRunAgain(CrashPoint point) throws Exception {
    Path data = dir.resolve("data");
    List<AckLine> acked = buildHistory(data);
    ChildJvm erase = ChildJvm.start(MaintenanceCrashChild.class, dir.resolve("erase"),
        List.of("-Dannals.crashAt=" + point.propertyValue()), data.toString(), "erase");
    assertEquals(CrashPoint.EXIT_STATUS, erase.awaitExit(CHILD_TIMEOUT),
        "the child must halt at " + point + "; its stderr:\n" + erase.stderr());

    boolean committed = point.compareTo(CrashPoint.MANIFEST_PUBLISHED) >= 0;
    List<AckLine> erased = acked.stream().filter(a -> MaintenanceCrashChild.ERASED.equals(a.entityId())).toList();
    List<AckLine> kept = acked.stream().filter(a -> !MaintenanceCrashChild.ERASED.equals(a.entityId())).toList();
    assertTrue(!erased.isEmpty() && !kept.isEmpty());
    MutableClock clock = new MutableClock(MaintenanceCrashChild.TODAY.plusSeconds(3600));
    try (EventStore store = EventStore.open(MaintenanceCrashChild.options(data, clock))) {
      assertOnlyListedFiles(data);
      assertKeptManifestsWhole(data);
      List<StoredEvent> events = store.read(ScanSpec.all());
      assertEquals(committed ? kept.size() : acked.size(), events.size(), point + ": all or nothing");
      assertStored(events, kept);
      if (!committed) {
        assertStored(events, erased);
      }
      store.erase("orders", MaintenanceCrashChild.ERASED, "crash-test", null);
      List<StoredEvent> orders = store.read(ScanSpec.builder().stream("orders").build());
      assertStored(orders, kept);
      assertEquals(kept.size(), orders.size());
    }
    try (EventStore store = EventStore.open(MaintenanceCrashChild.options(data, clock))) {
      assertOnlyListedFiles(data);
      assertKeptManifestsWhole(data);
      assertEquals(List.of(), store.readEntity("orders", MaintenanceCrashChild.ERASED));
      assertEquals(0, store.append("orders", List.of(NewEvent.of("Placed", MaintenanceCrashChild.ERASED, "{}")))
          .positions().get(0).version());
    }
  }

  /** Runs the child that appends the history in seven flushes; returns what it acknowledged. */
  private List<AckLine> buildHistory(Path data) throws Exception {
    ChildJvm build = ChildJvm.start(MaintenanceCrashChild.class, dir.resolve("build"), List.of(),
        data.toString(), "build");
    assertEquals(0, build.awaitExit(CHILD_TIMEOUT), build.stderr());
    return build.acknowledged();
  }

  /** Each acknowledged event is stored at its acknowledged positions. */
  private static void assertStored(List<StoredEvent> events, List<AckLine> acked) {
    Map<String, AckLine> stored = new TreeMap<>();
    for (StoredEvent e : events) {
      stored.put(e.eventId().toString(), AckLine.of(e));
    }
    for (AckLine a : acked) {
      assertEquals(a, stored.get(a.eventId().toString()), "acknowledged event missing or moved: " + a.format());
    }
  }
}
