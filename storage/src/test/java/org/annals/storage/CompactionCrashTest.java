package org.annals.storage;

import static org.annals.storage.HistoryAssertions.assertHistory;
import static org.annals.storage.HistoryAssertions.eventFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.annals.storage.fs.CrashPoint;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.ManifestStore;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Halts a child JVM for real at each step of a compaction, then recovers the folder: every
 * acknowledged event is there exactly once, the partition holds either its old files or the
 * merged one (never both, never neither), and nothing half-done survives the reopen.
 */
class CompactionCrashTest {
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = CrashPoint.class, names = "WAL_DELETED", mode = EnumSource.Mode.EXCLUDE)
  void acknowledgedEventsSurviveACrashAtEachStepOfACompaction(CrashPoint point) throws Exception {
    Path data = dir.resolve("data");
    ChildJvm build = ChildJvm.start(CompactionCrashChild.class, dir.resolve("build"), List.of(),
        data.toString(), "build");
    assertEquals(0, build.awaitExit(CHILD_TIMEOUT), build.stderr());
    List<AckLine> acked = new ArrayList<>(build.acknowledged());
    assertEquals(7 * CompactionCrashChild.EVENTS_PER_FLUSH, acked.size());
    List<Path> flushed = eventFiles(data);
    assertEquals(7, flushed.size());

    ChildJvm compact = ChildJvm.start(CompactionCrashChild.class, dir.resolve("compact"),
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
    MutableClock clock = new MutableClock(CompactionCrashChild.TODAY.plusSeconds(3600));
    try (EventStore store = EventStore.open(CompactionCrashChild.options(data, clock))) {
      assertOnlyListedFiles(data);
      assertEquals(committed ? 1 : 3, filesPerDay(store).get("2026-06-01"), point + ": yesterday's files");
      assertHistory(store.read(ScanSpec.all()), acked);
      assertEquals(acked.size(), store.eventCount());

      store.compact();
      assertEquals(Map.of("2026-06-01", 1, "2026-06-02", 1), filesPerDay(store));
      assertHistory(store.read(ScanSpec.all()), acked);
    }
    try (EventStore store = EventStore.open(CompactionCrashChild.options(data, clock))) {
      assertOnlyListedFiles(data);
      assertHistory(store.read(ScanSpec.all()), acked);
    }
  }

  private static Map<String, Integer> filesPerDay(EventStore store) throws IOException {
    Map<String, Integer> days = new TreeMap<>();
    try (Snapshot s = store.snapshot()) {
      for (DataFile f : s.manifest().files()) {
        days.merge(f.date(), 1, Integer::sum);
      }
    }
    return days;
  }

  /** Every file under events/ is one the newest manifest lists; manifest/ has no temporary file. */
  private static void assertOnlyListedFiles(Path data) throws IOException {
    Set<String> listed = new HashSet<>();
    for (DataFile f : new ManifestStore(data.resolve("manifest")).loadNewest().files()) {
      listed.add(f.path());
    }
    for (Path f : eventFiles(data)) {
      String relative = data.relativize(f).toString().replace('\\', '/');
      assertTrue(listed.contains(relative), "stray file " + relative + "; the manifest lists " + listed);
    }
    try (Stream<Path> files = Files.list(data.resolve("manifest"))) {
      for (Path f : files.toList()) {
        assertTrue(f.getFileName().toString().matches("\\d{20}\\.json"), "stray file " + f);
      }
    }
  }
}
