package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.InvalidEventException;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.event.WrongExpectedVersionException;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyAndIdempotencyTest {
  @TempDir Path dir;

  private StoreOptions.Builder options(MutableClock clock) {
    return StoreOptions.builder(dir).clock(clock).backgroundFlush(false);
  }

  @Test
  void wrongExpectedVersionNamesStreamEntityExpectedAndActual() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    try (EventStore store = EventStore.open(options(clock).build())) {
      store.append("accounts", List.of(NewEvent.of("Opened", "a-1", "{}")
          .withExpectedVersion(ExpectedVersion.NO_EVENTS)));
      WrongExpectedVersionException e = assertThrows(WrongExpectedVersionException.class,
          () -> store.append("accounts", List.of(
              NewEvent.of("Credited", "a-2", "{}"),
              NewEvent.of("Credited", "a-1", "{}").withExpectedVersion(ExpectedVersion.exactly(3)))));
      assertEquals("accounts", e.streamName());
      assertEquals("a-1", e.entityId());
      assertEquals(0, e.actual());
      assertTrue(e.getMessage().contains("expected version 3 but the entity is at version 0"), e.getMessage());
      assertEquals(1, store.read(ScanSpec.all()).size(), "the whole batch was refused");
      WrongExpectedVersionException none = assertThrows(WrongExpectedVersionException.class, () -> store.append(
          "accounts", List.of(NewEvent.of("Opened", "a-1", "{}").withExpectedVersion(ExpectedVersion.NO_EVENTS))));
      assertTrue(none.getMessage().contains("expected the entity to have no events yet but the entity is at version 0"),
          none.getMessage());
      // Several events of one entity in a batch: each expects the version the previous one made.
      AppendResult r = store.append("accounts", List.of(
          NewEvent.of("Credited", "a-1", "{}").withExpectedVersion(ExpectedVersion.exactly(0)),
          NewEvent.of("Credited", "a-1", "{}").withExpectedVersion(ExpectedVersion.exactly(1))));
      assertEquals(List.of(1L, 2L), r.positions().stream().map(p -> p.version()).toList());
    }
  }

  @Test
  void ofRacingAppendersWithTheSameExpectedVersionExactlyOneWins() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    int threads = 8;
    int rounds = 50;
    try (EventStore store = EventStore.open(options(clock).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        for (int round = 0; round < rounds; round++) {
          long expected = round - 1;
          CountDownLatch start = new CountDownLatch(1);
          AtomicInteger wins = new AtomicInteger();
          AtomicInteger conflicts = new AtomicInteger();
          List<Future<?>> futures = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int writer = t;
            futures.add(pool.submit(() -> {
              start.await();
              try {
                store.append("race", List.of(NewEvent.of("Step", "e", "{\"writer\":" + writer + "}")
                    .withExpectedVersion(expected < 0 ? ExpectedVersion.NO_EVENTS : ExpectedVersion.exactly(expected))));
                wins.incrementAndGet();
              } catch (WrongExpectedVersionException e) {
                conflicts.incrementAndGet();
              }
              return null;
            }));
          }
          start.countDown();
          for (Future<?> f : futures) {
            f.get();
          }
          assertEquals(1, wins.get(), "round " + round);
          assertEquals(threads - 1, conflicts.get(), "round " + round);
        }
      } finally {
        pool.shutdownNow();
      }
      List<StoredEvent> history = store.readEntity("race", "e");
      assertEquals(rounds, history.size());
      for (int v = 0; v < rounds; v++) {
        assertEquals(v, history.get(v).version());
      }
    }
  }

  @Test
  void retryByEventIdReturnsTheOriginalPositionsBeforeAndAfterRestart() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    List<NewEvent> batch = List.of(
        NewEvent.of("Placed", "o-1", "{}").withEventId(first),
        NewEvent.of("Paid", "o-1", "{}").withEventId(second));
    AppendResult original;
    try (EventStore store = EventStore.open(options(clock).build())) {
      store.append("orders", List.of(NewEvent.of("Other", "o-0", "{}")));
      original = store.append("orders", batch);
      assertFalse(original.duplicate());
      AppendResult retry = store.append("orders", batch);
      assertTrue(retry.duplicate());
      assertEquals(original.positions(), retry.positions());
      assertEquals(3, store.read(ScanSpec.all()).size());
      InvalidEventException partial = assertThrows(InvalidEventException.class, () -> store.append(
          "orders", List.of(NewEvent.of("Placed", "o-1", "{}").withEventId(first),
              NewEvent.of("New", "o-1", "{}"))));
      assertTrue(partial.getMessage().contains("repeats some already-stored event ids"), partial.getMessage());
      InvalidEventException otherStream = assertThrows(InvalidEventException.class,
          () -> store.append("payments", List.of(NewEvent.of("Placed", "o-1", "{}").withEventId(first))));
      assertTrue(otherStream.getMessage().contains("already stored in stream 'orders'"), otherStream.getMessage());
    }
    // After a restart with the events still only in the WAL...
    try (EventStore store = EventStore.open(options(clock).build())) {
      AppendResult retry = store.append("orders", batch);
      assertTrue(retry.duplicate());
      assertEquals(original.positions(), retry.positions());
      store.flush();
    }
    // ...and after they were flushed to Parquet.
    try (EventStore store = EventStore.open(options(clock).build())) {
      AppendResult retry = store.append("orders", batch);
      assertTrue(retry.duplicate());
      assertEquals(original.positions(), retry.positions());
      assertEquals(3, store.read(ScanSpec.all()).size());
    }
  }

  @Test
  void fromFilesEachStreamGetsBackItsOwnVersionsAndTheNewestIdsAcrossStreams() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    List<UUID> ids = new ArrayList<>();
    try (EventStore store = EventStore.open(options(clock).idempotencyMaxEntries(3).build())) {
      // One entity id in two streams, appended alternately: orders reach version 2, payments 1.
      for (int i = 0; i < 5; i++) {
        ids.add(UUID.randomUUID());
        store.append(i % 2 == 0 ? "orders" : "payments",
            List.of(NewEvent.of("E" + i, "x-1", "{}").withEventId(ids.get(i))));
      }
      store.flush();
    }
    try (EventStore store = EventStore.open(options(clock).idempotencyMaxEntries(3).build())) {
      // The newest three ids (global_seq 2, 3 and 4) are remembered, each with its own stream.
      AppendResult retried = store.append("orders", List.of(NewEvent.of("E4", "x-1", "{}").withEventId(ids.get(4))));
      assertTrue(retried.duplicate());
      assertEquals("orders", retried.positions().get(0).streamName());
      assertEquals(4, retried.positions().get(0).globalSeq());
      retried = store.append("payments", List.of(NewEvent.of("E3", "x-1", "{}").withEventId(ids.get(3))));
      assertTrue(retried.duplicate());
      assertEquals("payments", retried.positions().get(0).streamName());
      assertEquals(3, retried.positions().get(0).globalSeq());
      assertTrue(store.append("orders", List.of(NewEvent.of("E2", "x-1", "{}").withEventId(ids.get(2)))).duplicate());

      WrongExpectedVersionException orders = assertThrows(WrongExpectedVersionException.class, () -> store.append(
          "orders", List.of(NewEvent.of("Late", "x-1", "{}").withExpectedVersion(ExpectedVersion.exactly(1)))));
      assertEquals(2, orders.actual());
      WrongExpectedVersionException payments = assertThrows(WrongExpectedVersionException.class, () -> store.append(
          "payments", List.of(NewEvent.of("Late", "x-1", "{}").withExpectedVersion(ExpectedVersion.exactly(0)))));
      assertEquals(1, payments.actual());

      AppendResult again = store.append("orders", List.of(NewEvent.of("E0", "x-1", "{}").withEventId(ids.get(0))));
      assertFalse(again.duplicate(), "the oldest id is past the entry limit, so it is stored again");
      assertEquals(3, again.positions().get(0).version());
    }
  }

  @Test
  void eventIdsAreForgottenAfterTheWindowAndBeyondTheEntryLimit() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    UUID id = UUID.randomUUID();
    try (EventStore store = EventStore.open(options(clock).idempotencyWindow(Duration.ofHours(1))
        .idempotencyMaxEntries(3).build())) {
      store.append("s", List.of(NewEvent.of("A", null, "{}").withEventId(id)));
      clock.advanceMillis(Duration.ofMinutes(59).toMillis());
      assertTrue(store.append("s", List.of(NewEvent.of("A", null, "{}").withEventId(id))).duplicate());
      clock.advanceMillis(Duration.ofMinutes(2).toMillis());
      assertFalse(store.append("s", List.of(NewEvent.of("A", null, "{}").withEventId(id))).duplicate(),
          "outside the window the id is new again");

      UUID bounded = UUID.randomUUID();
      store.append("s", List.of(NewEvent.of("B", null, "{}").withEventId(bounded)));
      for (int i = 0; i < 3; i++) {
        store.append("s", List.of(NewEvent.of("C", null, "{}").withEventId(UUID.randomUUID())));
      }
      assertFalse(store.append("s", List.of(NewEvent.of("B", null, "{}").withEventId(bounded))).duplicate(),
          "past the entry limit the oldest ids are forgotten");
    }
  }
}
