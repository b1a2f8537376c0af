package org.annals.storage;

import static org.annals.storage.HistoryAssertions.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.subscription.EventFeed;
import org.annals.storage.subscription.Subscriber;
import org.annals.storage.subscription.Subscription;
import org.annals.storage.subscription.SubscriptionFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions deliver what the store holds, flushed or not, then what is appended while they
 * run: each event once, in log order, whatever the flushes, the filters and the pace of the reader.
 */
class SubscriptionTest {
  private static final List<String> STREAMS = List.of("orders", "payments", "shipments");
  private static final long WAIT_SECONDS = 60;

  @TempDir Path dir;

  private StoreOptions options() {
    return StoreOptions.builder(dir).backgroundFlush(false).backgroundCompaction(false)
        .memtableChunkRows(256).build();
  }

  /** Collects what a subscription hands over, and how it ended. */
  private static class Collector implements Subscriber {
    final List<StoredEvent> events = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger largestPage = new AtomicInteger();
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();

    @Override
    public void onEvents(List<StoredEvent> page) {
      largestPage.accumulateAndGet(page.size(), Math::max);
      events.addAll(page);
    }

    @Override
    public void onEnd(Throwable failure) {
      ended.complete(failure);
    }

    void awaitSize(int size) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (events.size() < size) {
        assertTrue(System.nanoTime() < deadline, "only " + events.size() + " of " + size + " events came");
        Thread.sleep(10);
      }
    }
  }

  private static void appendRound(EventStore store, int round) {
    for (String stream : STREAMS) {
      store.append(stream, List.of(NewEvent.of("Placed", stream + "-" + round, "{\"round\": " + round + "}"),
          NewEvent.of("Paid", stream + "-" + round, "{}")));
    }
  }

  @Test
  void catchUpOverFilesAndMemtableThenLiveAppendsEachOnceInOrder() throws Exception {
    try (EventStore store = EventStore.open(options())) {
      for (int round = 0; round < 300; round++) {
        appendRound(store, round);
        if (round == 100 || round == 200) {
          store.flush();
        }
      }
      Collector all = new Collector();
      ExecutorService appenders = Executors.newFixedThreadPool(2);
      try (Subscription subscription = store.subscribe(0, SubscriptionFilter.all(), all)) {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          int first = 300 + t * 1000;
          running.add(appenders.submit(() -> {
            for (int round = first; round < first + 500; round++) {
              appendRound(store, round);
              if (round % 200 == 0) {
                store.flush();
              }
            }
            return null;
          }));
        }
        for (Future<?> f : running) {
          f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        int total = (int) store.eventCount();
        all.awaitSize(total);
        assertTrue(subscription.isRunning());
        assertEquals(sorted(store.read(ScanSpec.all())), List.copyOf(all.events),
            "every event once, in global_seq order");
        assertTrue(all.largestPage.get() <= EventStore.SUBSCRIPTION_PAGE, "pages of at most the page size");
      } finally {
        appenders.shutdownNow();
      }
      assertNull(all.ended.get(WAIT_SECONDS, TimeUnit.SECONDS), "closed, not failed");
    }
  }

  @Test
  void aStreamSubscriptionStartsAtASeqAndKeepsToItsTypes() throws Exception {
    try (EventStore store = EventStore.open(options())) {
      for (int round = 0; round < 40; round++) {
        appendRound(store, round);
      }
      store.flush();
      for (int round = 40; round < 60; round++) {
        appendRound(store, round);
      }
      Collector paid = new Collector();
      try (Subscription ignored = store.subscribe(31, SubscriptionFilter.stream("payments")
          .withEventTypes(Set.of("Paid")), paid)) {
        for (int round = 60; round < 80; round++) {
          appendRound(store, round);
        }
        Predicate<StoredEvent> wanted = e -> e.streamName().equals("payments") && e.eventType().equals("Paid")
            && e.seq() >= 31;
        List<StoredEvent> expected = store.readStream("payments", 0, 1_000).stream().filter(wanted).toList();
        assertEquals(65, expected.size(), "seq 31 is round 15's Paid; rounds 15 to 79 paid");
        paid.awaitSize(expected.size());
        Thread.sleep(200);
        assertEquals(expected, List.copyOf(paid.events));
      }
    }
  }

  @Test
  void aSlowSubscriberHoldsBackNeitherAppendsNorOtherSubscribers() throws Exception {
    try (EventStore store = EventStore.open(options())) {
      CountDownLatch release = new CountDownLatch(1);
      Collector slow = new Collector() {
        @Override
        public void onEvents(List<StoredEvent> page) {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          super.onEvents(page);
        }
      };
      Collector fast = new Collector();
      try (Subscription a = store.subscribe(0, SubscriptionFilter.all(), slow);
          Subscription b = store.subscribe(0, SubscriptionFilter.all(), fast)) {
        for (int round = 0; round < 2_000; round++) {
          appendRound(store, round);
        }
        fast.awaitSize(12_000);
        assertTrue(slow.events.isEmpty(), "the slow subscriber is still on its first page");
        release.countDown();
        slow.awaitSize(12_000);
        assertEquals(List.copyOf(fast.events), List.copyOf(slow.events));
      }
    }
  }

  @Test
  void aSubscriberResumesAfterARestartFromThePositionAfterItsLastEvent() throws Exception {
    Collector before = new Collector();
    try (EventStore store = EventStore.open(options())) {
      for (int round = 0; round < 50; round++) {
        appendRound(store, round);
      }
      store.subscribe(0, SubscriptionFilter.all(), before);
      before.awaitSize(300);
    }
    Throwable ended = before.ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertTrue(ended instanceof IllegalStateException && ended.getMessage().contains("the store is closed"),
        String.valueOf(ended));
    long resumeFrom = before.events.get(before.events.size() - 1).globalSeq() + 1;
    Collector after = new Collector();
    try (EventStore store = EventStore.open(options());
        Subscription ignored = store.subscribe(resumeFrom, SubscriptionFilter.all(), after)) {
      for (int round = 50; round < 100; round++) {
        appendRound(store, round);
      }
      after.awaitSize(300);
      List<StoredEvent> seen = new ArrayList<>(before.events);
      seen.addAll(after.events);
      assertEquals(sorted(store.read(ScanSpec.all())), seen);
    }
  }

  @Test
  void aPulledFeedWaitsForTheNextAppendAndReturnsEmptyWhenNoneCame() throws Exception {
    try (EventStore store = EventStore.open(options())) {
      appendRound(store, 0);
      try (EventFeed feed = store.follow(0, SubscriptionFilter.all(), 4)) {
        assertEquals(4, feed.next(0).size(), "a full page");
        assertEquals(2, feed.next(0).size(), "the rest");
        assertEquals(List.of(), feed.next(TimeUnit.MILLISECONDS.toNanos(50)), "nothing new");
        CompletableFuture<List<StoredEvent>> waiting = CompletableFuture.supplyAsync(() -> {
          try {
            return feed.next(TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        Thread.sleep(100);
        assertFalse(waiting.isDone(), "waiting for an append");
        store.append("orders", List.of(NewEvent.of("Shipped", "orders-0", "{}")));
        List<StoredEvent> next = waiting.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1, next.size());
        assertEquals(6, next.get(0).globalSeq());
        assertEquals(7, feed.resumeFrom());
      }
      try (EventFeed paid = store.follow(0, SubscriptionFilter.stream("orders").withEventTypes(Set.of("Paid")), 10)) {
        assertEquals(List.of("Paid"), paid.next(0).stream().map(StoredEvent::eventType).toList());
        assertEquals(3, paid.resumeFrom(), "past the stream's Shipped too: its next seq");
        assertEquals(List.of(), paid.next(0));
        assertEquals(3, paid.resumeFrom());
      }
      IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
          () -> store.follow(-1, SubscriptionFilter.all(), 10));
      assertTrue(negative.getMessage().contains("0 or more"), negative.getMessage());
      IllegalArgumentException pastTheEnd = assertThrows(IllegalArgumentException.class,
          () -> store.follow(8, SubscriptionFilter.all(), 10));
      assertTrue(pastTheEnd.getMessage().contains("position 8 is past the end of the log, whose next global_seq is 7"),
          pastTheEnd.getMessage());
      store.follow(7, SubscriptionFilter.all(), 10).close();
    }
  }

  @Test
  void aSubscriberThatClosesTheStoreEndsItsOwnSubscription() throws Exception {
    EventStore store = EventStore.open(options());
    appendRound(store, 0);
    CompletableFuture<Void> closed = new CompletableFuture<>();
    Collector closing = new Collector() {
      @Override
      public void onEvents(List<StoredEvent> page) {
        super.onEvents(page);
        try {
          store.close();
          closed.complete(null);
        } catch (Exception e) {
          closed.completeExceptionally(e);
        }
      }
    };
    store.subscribe(0, SubscriptionFilter.all(), closing);
    closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    Throwable ended = closing.ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertTrue(ended instanceof IllegalStateException && ended.getMessage().contains("the store is closed"),
        String.valueOf(ended));
    assertEquals(6, closing.events.size());
  }
}
