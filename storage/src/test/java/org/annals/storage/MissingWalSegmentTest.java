package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.wal.SegmentHeader;
import org.annals.storage.wal.WalGapException;
import org.annals.storage.wal.WalSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newest WAL segment lost with acknowledged events in it (deleted by hand, emptied in place, lost
 * in a copy) stops the open, naming the segment and the way out, instead of opening without those
 * events; a segment a crash caught being created, or a log of the format before segment headers,
 * opens as it should.
 */
class MissingWalSegmentTest {
  @TempDir Path dir;

  private static StoreOptions options(Path folder) {
    return StoreOptions.builder(folder).backgroundFlush(false).backgroundCompaction(false).build();
  }

  /** What the refusals say to do to open without the lost events. */
  private static void wayOut(Path image) throws IOException {
    Files.delete(image.resolve("wal").resolve("HEAD"));
    Files.deleteIfExists(image.resolve("wal").resolve("DURABLE"));
    if (Files.isDirectory(image.resolve("memtable"))) {
      try (Stream<Path> chunks = Files.list(image.resolve("memtable"))) {
        for (Path chunk : chunks.toList()) {
          Files.delete(chunk);
        }
      }
    }
  }

  /**
   * Takes the way out the refusals name, losing the two unflushed events of
   * {@link #imageWithTwoUnflushed}: the store opens with the three flushed ones and goes on.
   */
  private static void takeTheWayOut(Path image) throws IOException {
    wayOut(image);
    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(3, store.eventCount());
      assertEquals(3, store.append("orders", List.of(NewEvent.of("Paid", "o-3", "{}"))).positions().get(0).globalSeq());
    }
  }

  /** Waits until the store's durable mark covers every event it has acknowledged. */
  private static void awaitMark(EventStore store, Path folder) throws Exception {
    Path mark = folder.resolve("wal").resolve("DURABLE");
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Files.exists(mark) || Long.parseLong(Files.readString(mark).trim()) < store.eventCount()) {
      assertTrue(System.nanoTime() < deadline, "the writer records its durable end within seconds");
      Thread.sleep(50);
    }
  }

  /**
   * A crash image of a store with ten unflushed events in segment 0, taken once the durable mark
   * covers them all.
   */
  private Path imageWithTenMarked(String name) throws Exception {
    Path live = dir.resolve(name + "-live");
    Path image = dir.resolve(name);
    try (EventStore store = EventStore.open(options(live))) {
      for (int i = 0; i < 5; i++) {
        store.append("orders", List.of(NewEvent.of("Placed", "o-" + i, "{}"), NewEvent.of("Paid", "o-" + i, "{}")));
      }
      awaitMark(store, live);
      CrashImage.copy(live, image);
    }
    return image;
  }

  /** A crash image of a store with three events flushed and two in the newest segment, 3. */
  private Path imageWithTwoUnflushed(String name) throws Exception {
    Path live = dir.resolve(name + "-live");
    Path image = dir.resolve(name);
    try (EventStore store = EventStore.open(options(live))) {
      store.append("orders", List.of(NewEvent.of("Placed", "o-1", "{}"), NewEvent.of("Placed", "o-2", "{}"),
          NewEvent.of("Placed", "o-3", "{}")));
      store.flush();
      store.append("orders", List.of(NewEvent.of("Paid", "o-1", "{}"), NewEvent.of("Paid", "o-2", "{}")));
      // What a crash now would leave: every acknowledged event is durable, two of them in the log.
      CrashImage.copy(live, image);
    }
    assertTrue(Files.exists(WalSegments.path(image.resolve("wal"), 3)), "the flush started the segment of global_seq 3");
    return image;
  }

  @Test
  void aMissingNewestSegmentStopsTheOpenNamingItAndTheWayOut() throws Exception {
    Path image = imageWithTwoUnflushed("missing");
    Files.delete(WalSegments.path(image.resolve("wal"), 3));

    IOException refused = assertThrows(IOException.class, () -> EventStore.open(options(image)));
    assertTrue(refused.getMessage().contains("the newest WAL segment 00000000000000000003.wal is missing"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("delete wal/HEAD, wal/DURABLE and the files in the memtable folder"),
        refused.getMessage());

    takeTheWayOut(image);
  }

  @Test
  void aNewestSegmentEmptiedInPlaceStopsTheOpenAndIsLeftAsItIs() throws Exception {
    Path image = imageWithTwoUnflushed("emptied");
    Path newest = WalSegments.path(image.resolve("wal"), 3);
    // Fewer events than a memtable chunk: no chunk file holds a copy, only the segment did.
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }

    WalGapException refused = assertThrows(WalGapException.class, () -> EventStore.open(options(image)));
    assertTrue(refused.getMessage().contains("the newest WAL segment 00000000000000000003.wal holds 0 bytes"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("emptied or cut"), refused.getMessage());
    assertTrue(refused.getMessage().contains("global_seq 3 on"), refused.getMessage());
    assertEquals(0, Files.size(newest), "the open changed nothing");

    Files.delete(newest);
    takeTheWayOut(image);
  }

  @Test
  void aSegmentCaughtBeingCreatedOpensAndTheLogGoesOnInIt() throws Exception {
    Path image = imageWithTwoUnflushed("created");
    Path wal = image.resolve("wal");
    // The crash came after the new segment's file was made and part of its header written, before
    // wal/HEAD named it: it holds no record.
    Path started = WalSegments.path(wal, 5);
    Files.write(started, Arrays.copyOf(Files.readAllBytes(WalSegments.path(wal, 3)), 5));
    assertEquals(3, WalSegments.head(wal).orElseThrow().firstGlobalSeq());

    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(5, store.eventCount(), "the five acknowledged events");
      assertEquals(5, store.append("orders", List.of(NewEvent.of("Paid", "o-3", "{}"))).positions().get(0).globalSeq());
      assertEquals(new WalSegments.Head(5, true), WalSegments.head(wal).orElseThrow(),
          "HEAD names the segment once its header is whole, so emptying it is noticed from now on");
      assertTrue(Files.size(started) > SegmentHeader.BYTES, "the append went into that segment, after its header");
    }
    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(6, store.eventCount());
    }
  }

  @Test
  void aLogOfTheFormatBeforeSegmentHeadersOpensWithEveryEvent() throws Exception {
    Path image = imageWithTwoUnflushed("before-headers");
    Path wal = image.resolve("wal");
    // As the earlier format left it: records from byte 0, and HEAD a single line naming the newest.
    Path newest = WalSegments.path(wal, 3);
    byte[] headed = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOfRange(headed, SegmentHeader.BYTES, headed.length));
    // and a newest segment that earlier format started at a roll and never wrote to
    Path empty = WalSegments.path(wal, 5);
    Files.createFile(empty);
    Files.writeString(wal.resolve("HEAD"), empty.getFileName() + "\n");

    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(5, store.eventCount());
      assertEquals(List.of("Placed", "Placed", "Placed", "Paid", "Paid"),
          HistoryAssertions.sorted(store.read(ScanSpec.all())).stream().map(StoredEvent::eventType).toList());
      assertEquals(5, store.append("orders", List.of(NewEvent.of("Paid", "o-3", "{}"))).positions().get(0).globalSeq());
    }
    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(6, store.eventCount(), "the log goes on in the segment that now has a header");
    }
  }

  @Test
  void aNewestSegmentCutOrDamagedBelowWhatWasAcknowledgedStopsTheOpen() throws Exception {
    Path image = imageWithTenMarked("cut");
    Path segment = WalSegments.path(image.resolve("wal"), 0);
    byte[] whole = Files.readAllBytes(segment);
    // Cut inside the last record, as a torn write would leave it, and flip a byte of that record:
    // both look torn, but the mark says those events were acknowledged.
    byte[][] damaged = {Arrays.copyOf(whole, whole.length - 7), whole.clone()};
    damaged[1][whole.length - 3] ^= 0x40;
    for (byte[] bytes : damaged) {
      Files.write(segment, bytes);
      WalGapException refused = assertThrows(WalGapException.class, () -> EventStore.open(options(image)));
      assertTrue(refused.getMessage().contains("00000000000000000000.wal"), refused.getMessage());
      assertTrue(refused.getMessage().contains("wal/DURABLE records that it had reached global_seq 10"),
          refused.getMessage());
      assertTrue(refused.getMessage().contains("events 8 to 9 were cut out or damaged"), refused.getMessage());
      assertArrayEquals(bytes, Files.readAllBytes(segment), "the segment is left as it is");
    }
    wayOut(image);
    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(8, store.eventCount(), "the damaged record's two events are gone, as asked");
    }
  }

  @Test
  void aRefusedOpenWritesNothingIntoTheLog() throws Exception {
    Path image = imageWithTwoUnflushed("refused");
    Path wal = image.resolve("wal");
    // Part of a header in a segment named past the log's end: the log would have a hole.
    Path stray = WalSegments.path(wal, 30);
    byte[] part = Arrays.copyOf(Files.readAllBytes(WalSegments.path(wal, 3)), 5);
    Files.write(stray, part);
    String head = Files.readString(wal.resolve("HEAD"));

    IOException refused = assertThrows(IOException.class, () -> EventStore.open(options(image)));
    assertTrue(refused.getMessage().contains("starts at global_seq 30 but the previous one ends before 5"),
        refused.getMessage());
    assertArrayEquals(part, Files.readAllBytes(stray), "the stray segment is as it was");
    assertEquals(head, Files.readString(wal.resolve("HEAD")), "HEAD is as it was");

    Files.delete(stray);
    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(5, store.eventCount(), "with the stray file gone, every event");
    }
  }

  @Test
  void aTornTailAboveTheMarkIsCutOffAsBefore() throws Exception {
    Path image = imageWithTenMarked("torn");
    // A record the crash caught half-written, after everything the mark says was acknowledged.
    Path segment = WalSegments.path(image.resolve("wal"), 0);
    long whole = Files.size(segment);
    Files.write(segment, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);
    try (EventStore store = EventStore.open(options(image))) {
      assertEquals(10, store.eventCount(), "every acknowledged event");
      assertEquals(whole, Files.size(segment), "the torn record is cut off");
    }
  }
}
