package org.annals.storage.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The flat version index against a plain map, over enough ids to fill many pages and regrow. */
class EntityVersionsTest {

  @Test
  void agreesWithAMapOverManyIdsOfEveryLength() {
    Random random = new Random(7);
    EntityVersions index = new EntityVersions();
    Map<String, Long> expected = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      String id = switch (i % 4) {
        case 0 -> "order-" + String.format("%07d", i);
        case 1 -> "k\u00e9y-" + Integer.toHexString(random.nextInt()) + "-\ud83d\ude00";
        case 2 -> "x".repeat(1 + random.nextInt(300)) + i;
        default -> Integer.toString(i);
      };
      ids.add(id);
    }
    for (int step = 0; step < 600_000; step++) {
      String id = ids.get(random.nextInt(ids.size()));
      if (random.nextBoolean()) {
        long version = random.nextInt(50);
        index.recordMax(utf8(id), version);
        expected.merge(id, version, Math::max);
      } else {
        long next = expected.getOrDefault(id, -1L) + 1;
        assertEquals(next, index.increment(utf8(id)), id);
        expected.put(id, next);
      }
    }
    assertEquals(expected.size(), index.size());
    for (String id : ids) {
      assertEquals(expected.getOrDefault(id, -1L), index.get(utf8(id)), id);
    }
    assertEquals(-1, index.get(utf8("order-")));
    assertEquals(-1, index.get(utf8("never stored")));
  }

  @Test
  void absorbingKeepsTheHigherVersionOfEachIdWhetherEmptyOrNot() {
    EntityVersions first = new EntityVersions();
    EntityVersions second = new EntityVersions();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      String id = "order-" + i;
      // Ids 0 to 9,999 in the first part, 5,000 to 19,999 in the second; the overlap differs.
      if (i < 10_000) {
        first.recordMax(utf8(id), i % 7);
        expected.merge(id, (long) (i % 7), Math::max);
      }
      if (i >= 5_000) {
        second.recordMax(utf8(id), i % 11);
        expected.merge(id, (long) (i % 11), Math::max);
      }
    }
    EntityVersions small = new EntityVersions();
    small.recordMax(utf8("order-3"), 99);
    small.recordMax(utf8("late"), 1);
    expected.put("order-3", 99L);
    expected.put("late", 1L);
    EntityVersions joined = new EntityVersions();
    joined.absorb(first);
    joined.absorb(second);
    // The larger table keeps its own and takes the smaller one in, without swapping.
    joined.absorb(small);
    assertEquals(expected.size(), joined.size());
    expected.forEach((id, version) -> assertEquals(version, joined.get(utf8(id)), id));
    assertEquals(0, joined.increment(utf8("new")), "the joined index takes new ids");
  }

  @Test
  void removalsKeepEveryOtherIdReachableAsAMapWould() {
    Random random = new Random(11);
    EntityVersions index = new EntityVersions();
    Map<String, Long> expected = new HashMap<>();
    // Few ids in a table kept half full: long probe runs that wrap around the table's end.
    for (int step = 0; step < 300_000; step++) {
      String id = "e-" + random.nextInt(5_000);
      int action = random.nextInt(3);
      if (action == 0) {
        long next = expected.getOrDefault(id, -1L) + 1;
        assertEquals(next, index.increment(utf8(id)), id);
        expected.put(id, next);
      } else if (action == 1) {
        long last = expected.getOrDefault(id, -1L);
        long asked = random.nextBoolean() ? last : last + 1;
        boolean removed = last >= 0 && asked == last;
        assertEquals(removed, index.removeIfLast(utf8(id), asked), id);
        if (removed) {
          expected.remove(id);
        }
      } else {
        assertEquals(expected.getOrDefault(id, -1L), index.get(utf8(id)), id);
      }
    }
    assertEquals(expected.size(), index.size());
    for (int i = 0; i < 5_000; i++) {
      assertEquals(expected.getOrDefault("e-" + i, -1L), index.get(utf8("e-" + i)), "e-" + i);
    }
  }

  @Test
  void idsThatShareAHashOrAPrefixStayApart() {
    EntityVersions index = new EntityVersions();
    // "Aa" and "BB" have the same Java hash code, and so the same array hash code.
    index.recordMax(utf8("AaAa"), 1);
    index.recordMax(utf8("BBBB"), 2);
    index.recordMax(utf8("AaBB"), 3);
    index.recordMax(utf8("AaAaX"), 4);
    assertEquals(1, index.get(utf8("AaAa")));
    assertEquals(2, index.get(utf8("BBBB")));
    assertEquals(3, index.get(utf8("AaBB")));
    assertEquals(4, index.get(utf8("AaAaX")));
    assertEquals(-1, index.get(utf8("BBAa")));
  }

  @Test
  void idsThatCollideUnderJavasStringHashStayApart() {
    // Every id of 14 blocks of "Aa" or "BB" has the same String.hashCode: a flood a client could
    // send if the index hashed ids that way.
    EntityVersions index = new EntityVersions();
    List<byte[]> ids = new ArrayList<>();
    for (int bits = 0; bits < 1 << 14; bits++) {
      StringBuilder id = new StringBuilder();
      for (int block = 0; block < 14; block++) {
        id.append((bits >>> block & 1) == 0 ? "Aa" : "BB");
      }
      ids.add(utf8(id.toString()));
    }
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(0, index.increment(ids.get(i)));
    }
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(1, index.increment(ids.get(i)));
    }
    assertEquals(ids.size(), index.size());
  }

  @Test
  void keepsTheHighestVersionAndLongIdsAcrossPageEnds() {
    EntityVersions index = new EntityVersions();
    List<byte[]> ids = new ArrayList<>();
    // 1,024-byte ids (256 four-byte characters, the longest allowed) never fit a page exactly.
    for (int i = 0; i < 3_000; i++) {
      byte[] id = utf8(String.format("%04d", i) + "\ud83d\ude00".repeat(255));
      ids.add(id);
      index.recordMax(id, 5);
      index.recordMax(id, 3);
    }
    for (byte[] id : ids) {
      assertEquals(5, index.get(id));
    }
    assertEquals(3_000, index.size());
  }

  @Test
  void refusesAnIdLongerThanItCanRecord() {
    EntityVersions index = new EntityVersions();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> index.recordMax(new byte[70_000], 0));
    assertEquals("an entity id of 70000 bytes is longer than the index holds (65535)", e.getMessage());
    assertEquals(0, index.size());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
