package org.annals.storage;

import static org.annals.storage.HistoryAssertions.assertHistory;
import static org.annals.storage.HistoryAssertions.assertOnlyListedFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.fs.CrashPoint;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.wal.WalSegments;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Halts a child JVM for real at each step of a flush and its commit, then recovers the folder:
 * every acknowledged event is there exactly once, in the WAL or in Parquet files depending on
 * whether the manifest was published, and nothing the crash left half-done survives the reopen.
 */
class FlushCrashTest {
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = CrashPoint.class, names = "REPLACED_DELETED", mode = EnumSource.Mode.EXCLUDE)
  void acknowledgedEventsSurviveACrashAtEachStepOfTheFlush(CrashPoint point) throws Exception {
    Path data = dir.resolve("data");
    ChildJvm child = ChildJvm.start(FlushCrashChild.class, dir.resolve("child"),
        List.of("-Dannals.crashAt=" + point.propertyValue()), data.toString());
    int status = child.awaitExit(CHILD_TIMEOUT);
    assertEquals(CrashPoint.EXIT_STATUS, status, "the child must halt at " + point + "; its stderr:\n" + child.stderr());
    List<AckLine> acked = new ArrayList<>(child.acknowledged());
    assertEquals(FlushCrashChild.EVENT_COUNT, acked.size(), "every append was acknowledged before the flush");
    assertEquals(OnDisk.at(point), OnDisk.of(data), "what the crash left behind");

    // The published manifest is the commit point: before it, the events are only in the WAL.
    boolean committed = point.compareTo(CrashPoint.MANIFEST_PUBLISHED) >= 0;
    StoreOptions options = StoreOptions.builder(data).clock(new MutableClock(FlushCrashChild.DAY_TWO.plusSeconds(3600)))
        .backgroundFlush(false).build();
    try (EventStore store = EventStore.open(options)) {
      assertOnlyListedFiles(data);
      StoreStatus recovered = store.status();
      assertEquals(committed ? acked.size() : 0, recovered.flushedRows(), point + ": rows in Parquet files");
      assertEquals(committed ? 0 : acked.size(), recovered.memtableRows(), point + ": rows replayed from the WAL");
      assertExactly(store, acked, point + ", reopened");

      AppendResult r = store.append("orders", List.of(NewEvent.of("OrderShipped", "o-2", "{}")));
      acked.add(AckLine.of(r.positions().get(0), "o-2"));
      assertExactly(store, acked, point + ", after an append");
      store.flush();
    }
    try (EventStore store = EventStore.open(options)) {
      assertEquals(acked.size(), store.status().flushedRows(), point + ": all flushed");
      assertEquals(0, store.status().memtableRows(), point + ": all flushed");
      assertExactly(store, acked, point + ", flushed and reopened");
    }
    assertOnlyListedFiles(data);
  }

  /**
   * A summary of a data folder, to show that the child died at its crash point and not elsewhere.
   *
   * @param tempFiles Parquet files still under their temporary names
   * @param parquetFiles Parquet files under their final names
   * @param manifests the file names in manifest/
   * @param firstSegment whether the WAL segment the appends went to is still there
   */
  private record OnDisk(int tempFiles, int parquetFiles, List<String> manifests, boolean firstSegment) {
    /** The history touches two streams on two days, so a flush writes four files. */
    private static final int PARTITIONS = 4;
    private static final String MANIFEST = String.format("%020d.json", 1);

    static OnDisk at(CrashPoint point) {
      return switch (point) {
        case FILE_WRITTEN, FILE_FSYNCED -> new OnDisk(1, 0, List.of(), true);
        case FILE_MOVED -> new OnDisk(0, 1, List.of(), true);
        case MANIFEST_WRITTEN -> new OnDisk(0, PARTITIONS, List.of(MANIFEST + ".tmp"), true);
        case MANIFEST_PUBLISHED -> new OnDisk(0, PARTITIONS, List.of(MANIFEST), true);
        case WAL_DELETED -> new OnDisk(0, PARTITIONS, List.of(MANIFEST), false);
        case REPLACED_DELETED -> throw new IllegalArgumentException("a flush replaces no files");
      };
    }

    static OnDisk of(Path data) throws IOException {
      List<String> files;
      try (Stream<Path> walk = Files.walk(data.resolve("events"))) {
        files = walk.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
      }
      List<String> manifests;
      try (Stream<Path> list = Files.list(data.resolve("manifest"))) {
        manifests = list.map(f -> f.getFileName().toString()).sorted().toList();
      }
      int temp = (int) files.stream().filter(n -> n.endsWith(".parquet.tmp")).count();
      int parquet = (int) files.stream().filter(n -> n.endsWith(".parquet")).count();
      return new OnDisk(temp, parquet, manifests, Files.exists(WalSegments.path(data.resolve("wal"), 0)));
    }
  }

  /** The store holds exactly the acknowledged events, at their acknowledged positions. */
  private static void assertExactly(EventStore store, List<AckLine> acked, String what) throws IOException {
    List<StoredEvent> events = store.read(ScanSpec.all());
    assertEquals(acked.size(), events.size(), what + ": " + events);
    assertHistory(events, acked);
  }
}
