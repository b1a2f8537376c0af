package org.annals.storage;

import static org.annals.storage.HistoryAssertions.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.fs.DataFolderInUseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreBasicsTest {
  @TempDir Path dir;

  private StoreOptions options(MutableClock clock) {
    return StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build();
  }

  @Test
  void appendsAreReadableBeforeAndAfterFlushAndReopen() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    List<StoredEvent> before;
    try (EventStore store = EventStore.open(options(clock))) {
      AppendResult r = store.append("orders", List.of(
          NewEvent.of("OrderPlaced", "o-1", "{\"amount\": 10}"),
          NewEvent.of("OrderPaid", "o-1", "{\"amount\": 10}").withMetadata("{\"user\":\"u\"}"),
          NewEvent.of("Heartbeat", null, "{}")));
      assertFalse(r.duplicate());
      assertEquals(List.of(0L, 1L, 2L), r.positions().stream().map(p -> p.seq()).toList());
      assertEquals(0L, r.positions().get(0).version());
      assertEquals(1L, r.positions().get(1).version());
      assertNull(r.positions().get(2).version());
      clock.set(Instant.parse("2026-03-02T01:00:00Z"));
      store.append("payments", List.of(NewEvent.of("Captured", "p-1", "{\"amount\": 10}")));

      before = store.read(org.annals.storage.scan.ScanSpec.all());
      assertEquals(4, before.size());
      store.flush();
      assertEquals(sorted(before), sorted(store.read(org.annals.storage.scan.ScanSpec.all())));
      assertEquals(0, store.status().memtableRows());
      assertEquals(2, store.status().flushedFiles());
      List<StoredEvent> history = store.readEntity("orders", "o-1");
      assertEquals(List.of("OrderPlaced", "OrderPaid"), history.stream().map(StoredEvent::eventType).toList());
      assertEquals("{\"user\":\"u\"}", history.get(1).metadata());
    }
    try (Stream<Path> files = Files.walk(dir.resolve("events"))) {
      List<String> names = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).toList();
      assertEquals(2, names.size(), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("events/stream_name=orders/date=2026-03-01/")));
      assertTrue(names.stream().anyMatch(n -> n.startsWith("events/stream_name=payments/date=2026-03-02/")));
      assertTrue(names.stream().allMatch(n -> n.endsWith(".parquet")), "no .crc or temp files: " + names);
    }
    try (EventStore store = EventStore.open(options(clock))) {
      assertEquals(sorted(before), sorted(store.read(org.annals.storage.scan.ScanSpec.all())));
      AppendResult r = store.append("orders", List.of(NewEvent.of("OrderShipped", "o-1", "{}")));
      assertEquals(3L, r.positions().get(0).seq());
      assertEquals(2L, r.positions().get(0).version());
      assertEquals(4L, r.positions().get(0).globalSeq());
    }
  }

  @Test
  void secondStoreOnSameFolderIsRefused() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    try (EventStore store = EventStore.open(options(clock))) {
      DataFolderInUseException e = assertThrows(DataFolderInUseException.class,
          () -> EventStore.open(options(clock)));
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
    }
  }

  @Test
  void aClosedStoreRefusesAppendsAndFlushesAtOnce() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    EventStore store = EventStore.open(options(clock));
    store.append("s", List.of(NewEvent.of("T", null, "{}")));
    store.close();
    assertThrows(IllegalStateException.class, store::flush);
    assertThrows(IllegalStateException.class, () -> store.append("s", List.of(NewEvent.of("T", null, "{}"))));
    store.close();
  }
}
