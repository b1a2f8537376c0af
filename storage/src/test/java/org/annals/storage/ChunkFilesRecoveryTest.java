package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.wal.SegmentHeader;
import org.annals.storage.wal.WalGapException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart maps the memtable chunk files a crash left instead of replaying their events from
 * the log: the store it opens must be the one the log alone gives (the same events, seqs,
 * versions and retry memory), a damaged chunk file must only cost a replay, a log cut below what
 * the files hold must be refused rather than lose acknowledged events, and a flush must take the
 * files of what it wrote away.
 */
class ChunkFilesRecoveryTest {
  private static final List<String> STREAMS = List.of("orders", "payments");
  private static final int CHUNK_ROWS = 50;

  @TempDir Path dir;

  private static StoreOptions options(Path folder) {
    return options(folder, StoreOptions.builder(folder).build().walSegmentBytes());
  }

  private static StoreOptions options(Path folder, long walSegmentBytes) {
    return StoreOptions.builder(folder).backgroundFlush(false).backgroundCompaction(false)
        .memtableChunkRows(CHUNK_ROWS).walSegmentBytes(walSegmentBytes).build();
  }

  /** What a crash left: the folder of a store with most of its memtable in chunk files. */
  private record Crashed(Path image, List<StoredEvent> stored, List<NewEvent> retried, AppendResult original) {}

  private Crashed crash() throws Exception {
    return crash(options(dir.resolve("live")));
  }

  private Crashed crash(StoreOptions options) throws Exception {
    Path live = options.dataFolder();
    Path image = dir.resolve("image");
    try (EventStore store = EventStore.open(options)) {
      EntityRounds.append(store, STREAMS, 0, 10);
      store.flush();
      EntityRounds.append(store, STREAMS, 10, 30);
      // An entity whose events all lie in chunk files, far below the log's tail.
      store.append("payments", List.of(NewEvent.of("Opened", "solo", "{}"), NewEvent.of("Topped", "solo", "{}")));
      EntityRounds.append(store, STREAMS, 30, 60);
      List<NewEvent> retried = List.of(NewEvent.of("Placed", "order-0", "{\"retry\":1}").withEventId(UUID.randomUUID()),
          NewEvent.of("Paid", "order-1", "{\"retry\":2}").withEventId(UUID.randomUUID()));
      AppendResult original = store.append("orders", retried);
      EntityRounds.append(store, STREAMS, 60, 70);
      List<StoredEvent> stored = store.read(ScanSpec.all());
      long unflushed = stored.size() - 10L * STREAMS.size() * 6;
      awaitChunkFilesHolding(live, unflushed - 2 * CHUNK_ROWS);
      CrashImage.copy(live, image);
      return new Crashed(image, stored, retried, original);
    }
  }

  @Test
  void aRestartMapsTheChunkFilesAndGoesOnAsTheLogWould() throws Exception {
    long segmentBytes = 8 * 1024;
    Crashed crashed = crash(options(dir.resolve("live"), segmentBytes));
    // A segment whose events the chunk files all hold is not read: damage in it goes unnoticed,
    // where a replay from the log would refuse to open.
    Path skipped = segmentBelow(crashed.image(), chunkFilesEnd(crashed.image()));
    flipByte(skipped, Files.size(skipped) / 2);
    try (EventStore store = EventStore.open(options(crashed.image(), segmentBytes))) {
      assertEquals(crashed.stored(), store.read(ScanSpec.all()), "every event, whole and in global_seq order");
      assertFalse(chunkFiles(crashed.image()).isEmpty(), "the chunk files stay until a flush covers them");

      AppendResult retry = store.append("orders", crashed.retried());
      assertTrue(retry.duplicate(), "a batch held in a chunk file is known as stored");
      assertEquals(crashed.original().positions(), retry.positions());

      EntityRounds.assertGoesOn(store, STREAMS, crashed.stored());
      AppendResult solo = store.append("payments", List.of(NewEvent.of("Closed", "solo", "{}")));
      assertEquals(2, solo.positions().get(0).version(), "an entity known only from the chunk files goes on");
      assertEquals(crashed.stored().size() + STREAMS.size() + 1, store.eventCount());
    }
  }

  @Test
  void aStoreClosedBeforeItsFirstAppendFlushesWhatItMapped() throws Exception {
    Crashed crashed = crash();
    try (EventStore store = EventStore.open(options(crashed.image()))) {
      // Closed at once: the rebuild of versions has not started, and must not hold the chunks.
      assertEquals(crashed.stored().size(), store.eventCount());
    }
    assertEquals(List.of(), chunkFiles(crashed.image()), "the close flushed the mapped events");
    try (EventStore store = EventStore.open(options(crashed.image()))) {
      // Files hold events by entity, not in log order.
      assertEquals(byGlobalSeq(crashed.stored()), byGlobalSeq(store.read(ScanSpec.all())));
      AppendResult solo = store.append("payments", List.of(NewEvent.of("Closed", "solo", "{}")));
      assertEquals(2, solo.positions().get(0).version(), "versions rebuilt from the flushed files");
    }
  }

  @Test
  void aDamagedChunkFileCostsOnlyAReplayFromTheLog() throws Exception {
    Crashed crashed = crash();
    List<Path> files = chunkFiles(crashed.image());
    Path damaged = files.get(files.size() / 2);
    flipByte(damaged, Files.size(damaged) / 2);
    byte[] damagedBytes = Files.readAllBytes(damaged);
    try (EventStore store = EventStore.open(options(crashed.image()))) {
      assertEquals(crashed.stored(), store.read(ScanSpec.all()), "the damaged file's events, whole, from the log");
      assertFalse(Files.exists(damaged) && Arrays.equals(damagedBytes, Files.readAllBytes(damaged)),
          "the damaged file does not stay");
      AppendResult retry = store.append("orders", crashed.retried());
      assertTrue(retry.duplicate());
    }
  }

  @Test
  void aLogCutBelowTheChunkFilesIsRefusedAndNothingIsDeleted() throws Exception {
    Crashed crashed = crash();
    Path newest;
    try (Stream<Path> segments = Files.list(crashed.image().resolve("wal"))) {
      // One segment holds all the log above the flush: it is far from full.
      newest = segments.filter(p -> p.toString().endsWith(".wal")).sorted().reduce((a, b) -> b).orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      // Cut back to its header: a log that ends where the segment began, with no sign of damage.
      ch.truncate(SegmentHeader.BYTES);
    }
    List<Path> files = chunkFiles(crashed.image());
    WalGapException refused = assertThrows(WalGapException.class, () -> EventStore.open(options(crashed.image())));
    assertTrue(refused.getMessage().contains("cut or emptied"), refused.getMessage());
    assertTrue(refused.getMessage().contains(newest.getFileName().toString()), refused.getMessage());
    assertEquals(files, chunkFiles(crashed.image()), "the chunk files, the only copy left of those events, stay");
  }

  @Test
  void aFlushTakesAwayTheChunkFilesOfWhatItWrote() throws Exception {
    Path live = dir.resolve("flushed");
    try (EventStore store = EventStore.open(options(live))) {
      EntityRounds.append(store, STREAMS, 0, 40);
      awaitChunkFilesHolding(live, 40L * STREAMS.size() * 6 - 2 * CHUNK_ROWS);
      store.flush();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!chunkFiles(live).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(List.of(), chunkFiles(live), "no copy of flushed events stays beside the Parquet files");
    }
  }

  /** One past the last event the chunk files hold. */
  private static long chunkFilesEnd(Path folder) throws IOException {
    long end = 0;
    for (Path p : chunkFiles(folder)) {
      String name = p.getFileName().toString();
      end = Math.max(end, Long.parseLong(name.substring(0, name.indexOf('-')))
          + Long.parseLong(name.substring(name.indexOf('-') + 1, name.indexOf('.'))));
    }
    return end;
  }

  /** A log segment that is not the newest and whose successor starts at or below {@code end}. */
  private static Path segmentBelow(Path folder, long end) throws IOException {
    List<Path> segments;
    try (Stream<Path> files = Files.list(folder.resolve("wal"))) {
      segments = files.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
    }
    for (int i = segments.size() - 2; i >= 0; i--) {
      String next = segments.get(i + 1).getFileName().toString();
      if (Long.parseLong(next.substring(0, next.indexOf('.'))) <= end) {
        return segments.get(i);
      }
    }
    throw new AssertionError("no segment lies wholly below global_seq " + end + ": " + segments);
  }

  /** Waits until the chunk files hold at least this many events; they are written in the background. */
  private static void awaitChunkFilesHolding(Path folder, long events) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    long held = 0;
    while (System.nanoTime() < deadline) {
      held = 0;
      for (Path p : chunkFiles(folder)) {
        String name = p.getFileName().toString();
        held += Long.parseLong(name.substring(name.indexOf('-') + 1, name.indexOf('.')));
      }
      if (held >= events) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the chunk files hold " + held + " events after 10 s; expected at least " + events);
  }

  private static List<StoredEvent> byGlobalSeq(List<StoredEvent> events) {
    List<StoredEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong(StoredEvent::globalSeq));
    return sorted;
  }

  private static List<Path> chunkFiles(Path folder) throws IOException {
    Path memtable = folder.resolve("memtable");
    if (!Files.isDirectory(memtable)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(memtable)) {
      return files.filter(p -> p.toString().endsWith(".chunk")).sorted().toList();
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ 0x5a)).position(0);
      ch.write(one, offset);
    }
  }
}
