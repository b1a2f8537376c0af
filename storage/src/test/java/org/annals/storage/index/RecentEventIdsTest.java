package org.annals.storage.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.annals.storage.event.EventPosition;
import org.junit.jupiter.api.Test;

/**
 * The ring of recent ids against a plain model: a queue of every id added, oldest first, trimmed
 * to the window and the size limit, where the newest entry for an id is the one that counts.
 */
class RecentEventIdsTest {

  @Test
  void agreesWithTheModelWhileIdsLeaveTheWindow() {
    for (int max : new int[] {1, 7, 1000, 5000, 50_000}) {
      compare(new Random(max), max, 60_000, 40_000);
    }
  }

  @Test
  void agreesWithTheModelWhileTheRingGrowsFullAndForgetsTheOldest() {
    // A window longer than the run: only the size limit forgets, and the ring grows while full.
    for (int max : new int[] {1, 7, 1000, 1500, 5000}) {
      compare(new Random(max), max, Long.MAX_VALUE / 4, 12_000);
    }
  }

  @Test
  void idsThatShareOrSwapHalvesStayApart() {
    RecentEventIds ids = new RecentEventIds(Long.MAX_VALUE / 4, 10_000);
    List<EventPosition> added = new ArrayList<>();
    for (long x = 1; x <= 2_000; x++) {
      for (UUID id : List.of(new UUID(x, x), new UUID(x, -x), new UUID(-x, x))) {
        EventPosition p = position(id, "orders", added.size(), 1_000);
        ids.add(p, 1_000);
        added.add(p);
      }
    }
    for (EventPosition p : added) {
      assertEquals(p, ids.find(p.eventId(), 1_000));
    }
    assertNull(ids.find(new UUID(0, 0), 1_000));
  }

  @Test
  void aZeroLimitRemembersNothing() {
    RecentEventIds ids = new RecentEventIds(60_000, 0);
    EventPosition p = position(new UUID(1, 2), "orders", 0, 1000);
    ids.add(p, 1000);
    assertNull(ids.find(p.eventId(), 1000));
  }

  @Test
  void aForgottenIdStaysForgottenWhileTheRingGrowsAndAges() {
    RecentEventIds ids = new RecentEventIds(60_000, 100_000);
    UUID erased = new UUID(7, 7);
    UUID kept = new UUID(8, 8);
    ids.add(position(erased, "customers", 0, 1000), 1000);
    ids.add(position(kept, "customers", 1, 1000), 1000);
    ids.forget(erased);
    assertNull(ids.find(erased, 1000));
    // Thousands more ids make the ring grow several times, rebuilding the table each time.
    for (int i = 0; i < 5_000; i++) {
      ids.add(position(new UUID(100, i), "customers", 2 + i, 1000 + i), 1000 + i);
    }
    assertNull(ids.find(erased, 6_000), "a rebuilt table found the forgotten id again");
    assertEquals(1, ids.find(kept, 6_000).globalSeq());
    ids.forget(new UUID(1, 1));
    assertEquals(1, ids.find(kept, 6_000).globalSeq(), "forgetting an unknown id changes nothing");
  }

  @Test
  void idsAddedWithDeferredIndexingAreFoundAsIfIndexedOneByOne() {
    for (int max : new int[] {1, 1000, 50_000}) {
      RecentEventIds indexed = new RecentEventIds(60_000, max);
      RecentEventIds deferred = new RecentEventIds(60_000, max);
      List<UUID> all = new ArrayList<>();
      Random random = new Random(max);
      for (int i = 0; i < 20_000; i++) {
        UUID id = i % 10 == 0 && !all.isEmpty() ? all.get(random.nextInt(all.size())) : UUID.randomUUID();
        all.add(id);
        if (i == 5_000) {
          deferred.deferIndexing();
        }
        EventPosition p = position(id, "orders", i, 1_000 + i);
        indexed.add(p, 1_000 + i);
        deferred.add(p, 1_000 + i);
      }
      deferred.indexAll();
      for (UUID id : all) {
        assertEquals(indexed.find(id, 21_000), deferred.find(id, 21_000), max + ": " + id);
      }
    }
  }

  @Test
  void answersWithTheWholeOriginalPosition() {
    RecentEventIds ids = new RecentEventIds(60_000, 10);
    UUID id = UUID.randomUUID();
    EventPosition withVersion = new EventPosition("orders", 41, 3L, 977, id, 5_000);
    EventPosition noEntity = new EventPosition("audit", 0, null, 978, UUID.randomUUID(), 5_000);
    ids.add(withVersion, 5_000);
    ids.add(noEntity, 5_000);
    assertEquals(withVersion, ids.find(id, 6_000));
    assertEquals(noEntity, ids.find(noEntity.eventId(), 6_000));
    assertEquals(withVersion, ids.find(id, 65_000));
    assertNull(ids.find(id, 65_001), "an id leaves the window 60 s after its recorded_at");
  }

  private static void compare(Random random, int max, long window, int steps) {
    RecentEventIds ids = new RecentEventIds(window, max);
    Deque<EventPosition> model = new ArrayDeque<>();
    List<UUID> seen = new ArrayList<>();
    long now = 0;
    long global = 0;
    for (int step = 0; step < steps; step++) {
      now += random.nextInt(10) == 0 ? random.nextInt(30_000) : random.nextInt(20);
      // Mostly new ids; now and then an old one again, as after its first use left the window.
      UUID id = seen.isEmpty() || random.nextInt(20) != 0
          ? new UUID(random.nextLong(), random.nextLong()) : seen.get(random.nextInt(seen.size()));
      seen.add(id);
      String stream = random.nextBoolean() ? "orders" : "carts";
      EventPosition p = position(id, stream, global++, now);
      ids.add(p, now);
      model.removeIf(e -> e.recordedAt() < p.recordedAt() - window);
      if (model.size() == max) {
        model.removeFirst();
      }
      model.addLast(p);
      for (int probe = 0; probe < 3; probe++) {
        UUID asked = random.nextInt(4) == 0
            ? new UUID(random.nextLong(), random.nextLong()) : seen.get(random.nextInt(seen.size()));
        long askedAt = now + (random.nextInt(4) == 0 ? random.nextInt(120_000) : 0);
        assertEquals(expected(model, asked, askedAt, window), ids.find(asked, askedAt),
            "max " + max + ", step " + step);
      }
    }
  }

  private static EventPosition expected(Deque<EventPosition> model, UUID id, long now, long window) {
    for (Iterator<EventPosition> it = model.descendingIterator(); it.hasNext(); ) {
      EventPosition p = it.next();
      if (p.eventId().equals(id)) {
        return p.recordedAt() < now - window ? null : p;
      }
    }
    return null;
  }

  private static EventPosition position(UUID id, String stream, long global, long at) {
    return new EventPosition(stream, global / 2, global % 3 == 0 ? null : global % 11, global, id, at);
  }
}
