package org.annals.storage;

import static org.annals.storage.HistoryAssertions.sorted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.annals.storage.event.EventPosition;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.wal.SegmentHeader;
import org.annals.storage.wal.WalCorruptionException;
import org.annals.storage.wal.WalSegments;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a log that a real store wrote, then opens a fresh data folder holding only that log. A
 * torn or garbage tail is cut back to the last whole record and appends go on from there; damage
 * before the tail stops the open with the file and the offset, and leaves the segment untouched.
 */
class WalDamageTest {
  private static final Instant START = Instant.parse("2026-06-01T08:00:00Z");

  /** The appends that make the log; the last is small so that cutting it at every byte is cheap. */
  private static final List<List<NewEvent>> ORDERS_AND_PAYMENTS = List.of(
      List.of(NewEvent.of("OrderPlaced", "o-1", "{\"amount\": 10}")
              .withExpectedVersion(ExpectedVersion.NO_EVENTS),
          NewEvent.of("OrderPaid", "o-1", "{\"amount\": 10}")),
      List.of(NewEvent.of("Captured", "p-1", "{\"amount\": 10}")),
      List.of(NewEvent.of("Heartbeat", null, "{}"), NewEvent.of("OrderPlaced", "o-2", "{\"amount\": 7}")),
      List.of(NewEvent.of("Refunded", "p-1", "{\"amount\": 10}").withMetadata("{\"user\": \"ops\"}")),
      List.of(NewEvent.of("OrderShipped", "o-1", "{}")));

  @TempDir Path tmp;
  private WrittenLog log;

  /** A log a store wrote, where each record ends, and the events the store held. */
  private record WrittenLog(byte[] bytes, List<Integer> recordEnds, List<StoredEvent> events) {
    int records() {
      return recordEnds.size();
    }

    int start(int record) {
      return record == 0 ? SegmentHeader.BYTES : recordEnds.get(record - 1);
    }

    int end(int record) {
      return recordEnds.get(record);
    }

    /** The events of the records before {@code record}. */
    List<StoredEvent> eventsBefore(int record) {
      int count = 0;
      for (int i = 0; i < record; i++) {
        count += ORDERS_AND_PAYMENTS.get(i).size();
      }
      return events.subList(0, count);
    }
  }

  @BeforeEach
  void appendAndCaptureLog() throws IOException {
    Path source = tmp.resolve("source");
    MutableClock clock = new MutableClock(START);
    try (EventStore store = EventStore.open(options(source, clock))) {
      Path segment = segment(source);
      List<Integer> ends = new ArrayList<>();
      for (int i = 0; i < ORDERS_AND_PAYMENTS.size(); i++) {
        store.append(i % 2 == 0 ? "orders" : "payments", ORDERS_AND_PAYMENTS.get(i));
        // An append returns only after its record is fsynced, so the file size is where it ends.
        ends.add((int) Files.size(segment));
        clock.advanceMillis(1_000);
      }
      log = new WrittenLog(Files.readAllBytes(segment), ends, sorted(store.read(ScanSpec.all())));
    }
  }

  @Test
  void aLastRecordCutAtAnyByteIsTruncatedAwayAndAppendsContinue() throws IOException {
    int last = log.records() - 1;
    List<StoredEvent> survivors = log.eventsBefore(last);
    for (int cut = log.start(last); cut < log.end(last); cut++) {
      Path folder = folderWithLog("cut-" + cut, Arrays.copyOf(log.bytes(), cut));
      assertRecoversAndContinues(folder, log.start(last), survivors, "cut at byte " + cut);
    }
  }

  @Test
  void garbageAfterTheLastRecordIsTruncatedAwayAndAppendsContinue() throws IOException {
    Random random = new Random(20260601);
    List<byte[]> tails = new ArrayList<>();
    for (int size : new int[] {1, 7, 8, 9, 64, 4096, 65_536}) {
      byte[] garbage = new byte[size];
      random.nextBytes(garbage);
      tails.add(garbage);
    }
    // A file system can also leave zeroed blocks behind the last write.
    tails.add(new byte[4096]);
    for (int i = 0; i < tails.size(); i++) {
      byte[] tail = tails.get(i);
      String what = tail.length + " garbage bytes";
      Path folder = folderWithLog("garbage-" + i, concat(log.bytes(), tail));
      StoredEvent added = assertRecoversAndContinues(folder, log.bytes().length, log.events(), what);
      // The continued log must itself be whole: everything is there after a clean reopen.
      try (EventStore store = EventStore.open(options(folder, new MutableClock(START)))) {
        List<StoredEvent> expected = new ArrayList<>(log.events());
        expected.add(added);
        assertEquals(expected, sorted(store.read(ScanSpec.all())), what + ", reopened");
      }
    }
  }

  @Test
  void aFlippedByteInAnEarlierRecordFailsTheOpenNamingFileAndOffset() throws IOException {
    Path folder = tmp.resolve("flipped");
    for (int record = 0; record < log.records() - 1; record++) {
      for (int at = log.start(record); at < log.end(record); at++) {
        byte[] damaged = log.bytes().clone();
        damaged[at] = (byte) ~damaged[at];
        placeLog(folder, damaged);
        assertOpenFailsAt(folder, log.start(record), damaged, "byte " + at + " flipped");
      }
    }
  }

  @Test
  void aFlippedByteInTheSegmentHeaderFailsTheOpenAtOffsetZero() throws IOException {
    Path folder = tmp.resolve("header");
    for (int at = 0; at < SegmentHeader.BYTES; at++) {
      byte[] damaged = log.bytes().clone();
      damaged[at] = (byte) ~damaged[at];
      placeLog(folder, damaged);
      assertOpenFailsAt(folder, 0, damaged, "header byte " + at + " flipped");
    }
  }

  @Test
  void aDamagedLengthFieldFailsClosedInsteadOfTruncatingLaterRecords() throws IOException {
    Path folder = tmp.resolve("length");
    int record = 1;
    int start = log.start(record);
    int bodyLength = log.end(record) - start - 8;
    int[] lengths = {
      0,                                   // below any real record
      Integer.MAX_VALUE,                   // above any real record
      log.bytes().length,                  // plausible, but runs past the end of the file
      log.bytes().length - start - 8,      // reaches exactly to the end of the file
      bodyLength - 1,                      // one byte short: the CRC no longer holds
      bodyLength + 1};
    for (int length : lengths) {
      byte[] damaged = log.bytes().clone();
      ByteBuffer.wrap(damaged).putInt(start, length);
      placeLog(folder, damaged);
      assertOpenFailsAt(folder, start, damaged, "length field set to " + length);
    }
  }

  @Test
  void aShortSegmentBeforeTheLastFailsClosed() throws IOException {
    Path source = tmp.resolve("segments");
    Path folder = tmp.resolve("short-segment");
    Files.createDirectories(folder.resolve("wal"));
    // A one-byte segment limit gives every record a segment of its own.
    StoreOptions options = options(source, new MutableClock(START)).toBuilder().walSegmentBytes(1).build();
    try (EventStore store = EventStore.open(options)) {
      for (List<NewEvent> batch : ORDERS_AND_PAYMENTS) {
        store.append("orders", batch);
      }
      // Copied while the store is open: closing it flushes and deletes the covered segments.
      for (WalSegments.Segment s : WalSegments.list(source.resolve("wal"))) {
        Files.copy(s.path(), folder.resolve("wal").resolve(s.path().getFileName()));
      }
    }
    assertEquals(ORDERS_AND_PAYMENTS.size(), WalSegments.list(folder.resolve("wal")).size());
    byte[] first = Files.readAllBytes(segment(folder));
    byte[] cut = Arrays.copyOf(first, first.length - 1);
    Files.write(segment(folder), cut);
    // A rolled segment was whole before the next one began, so a short one is damage, not a torn write.
    assertOpenFailsAt(folder, SegmentHeader.BYTES, cut, "the first of several segments one byte short");
  }

  /**
   * Opens a folder whose log has a damaged tail and checks that the tail was cut at
   * {@code goodBytes}, the survivors are exactly there, and a new append takes the next positions.
   *
   * @return the appended event
   */
  private StoredEvent assertRecoversAndContinues(Path folder, int goodBytes, List<StoredEvent> survivors,
      String what) throws IOException {
    try (EventStore store = EventStore.open(options(folder, new MutableClock(START.plusSeconds(60))))) {
      assertEquals(goodBytes, Files.size(segment(folder)), what + ": the segment is cut at the last whole record");
      assertEquals(survivors, sorted(store.read(ScanSpec.all())), what);
      long ordersBefore = survivors.stream().filter(e -> e.streamName().equals("orders")).count();
      long o1Version = survivors.stream().filter(e -> "o-1".equals(e.entityId()))
          .mapToLong(StoredEvent::version).max().orElseThrow();
      EventPosition p = store.append("orders", List.of(NewEvent.of("OrderShipped", "o-1", "{}")
          .withExpectedVersion(ExpectedVersion.exactly(o1Version)))).positions().get(0);
      assertEquals(survivors.size(), p.globalSeq(), what + ": global_seq continues densely");
      assertEquals(ordersBefore, p.seq(), what + ": seq continues densely");
      assertEquals(o1Version + 1, p.version(), what + ": the entity's version continues");
      assertTrue(Files.size(segment(folder)) > goodBytes, what + ": the append went to the cut segment");
      List<StoredEvent> added = store.read(ScanSpec.builder().globalSeqBetween(p.globalSeq(), p.globalSeq()).build());
      assertEquals(1, added.size(), what);
      return added.get(0);
    }
  }

  /** Opening must fail at the damaged record and leave the log exactly as it was. */
  private void assertOpenFailsAt(Path folder, int offset, byte[] logBytes, String what) throws IOException {
    Path segment = segment(folder);
    WalCorruptionException e = assertThrows(WalCorruptionException.class,
        () -> EventStore.open(options(folder, new MutableClock(START))), what);
    assertTrue(Files.isSameFile(segment, e.file()), what + ": names " + e.file());
    assertEquals(offset, e.offset(), what + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(e.file().toString()), what + ": " + e.getMessage());
    assertTrue(e.getMessage().contains("byte offset " + offset), what + ": " + e.getMessage());
    assertArrayEquals(logBytes, Files.readAllBytes(segment), what + ": the log must not be changed");
  }

  private static StoreOptions options(Path folder, MutableClock clock) {
    return StoreOptions.builder(folder).clock(clock).backgroundFlush(false).build();
  }

  private Path folderWithLog(String name, byte[] bytes) throws IOException {
    Path folder = tmp.resolve(name);
    placeLog(folder, bytes);
    return folder;
  }

  /** Puts a one-segment log into a data folder that holds nothing else; the store makes the rest. */
  private static void placeLog(Path folder, byte[] bytes) throws IOException {
    Files.createDirectories(folder.resolve("wal"));
    Files.write(segment(folder), bytes);
  }

  private static Path segment(Path folder) {
    return WalSegments.path(folder.resolve("wal"), 0);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
