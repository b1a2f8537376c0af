package org.annals.storage.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.annals.storage.event.EncodedEvent;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.SequencedBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * A partition's rows come out ordered by entity id (nulls first, bytes unsigned) and then seq,
 * with every column intact, across chunks and blocks, for ids that defeat the sort's shortcut.
 */
class FileOrderRowsTest {
  private static final int ROWS = 3 * FileOrderRows.BLOCK_ROWS + 123;

  @Test
  void ordersIdsWithNothingInCommon() {
    Random random = new Random(11);
    List<String> pool = new ArrayList<>(Arrays.asList(null, "x", "x\u0000", "x\u0000\u0000", "\u00e9",
        "\u65e5\u672c", "\uffff", "order-", "order-1", "order-10", "order-9"));
    for (int i = 0; i < 300; i++) {
      pool.add("order-" + random.nextInt(1_000_000));
    }
    checkOrder(random, pool);
  }

  @Test
  void ordersIdsThatShareAPrefix() {
    // The usual case: the sort key is taken after "order-0", which every id starts with. An id
    // that is only the prefix, a null, bytes above 0x7F and ids that differ beyond the key's eight
    // bytes all tie on the key and must still come out in order.
    Random random = new Random(12);
    List<String> pool = new ArrayList<>(Arrays.asList(null, "order-0", "order-0\u00e9", "order-0\u00ff1",
        "order-0\u0000", "order-0\uffff"));
    for (int i = 0; i < 300; i++) {
      pool.add("order-0" + random.nextInt(10_000_000));
      pool.add("order-000000000" + random.nextInt(1_000));
    }
    checkOrder(random, pool);
  }

  @Test
  void keepsEveryValueWhenABlockEndsEarlyOnBytes() {
    // 700 payloads of 100 kB pass a block's byte limit long before its row limit.
    int rows = 700;
    String filler = "x".repeat(100_000);
    try (BufferAllocator allocator = new RootAllocator();
        Memtable memtable = new Memtable(allocator, 0, 10_000)) {
      for (int seq = 0; seq < rows; seq += 10) {
        List<EncodedEvent> events = new ArrayList<>();
        long[] versions = new long[10];
        for (int i = 0; i < 10; i++) {
          String entity = "e" + (seq + i) % 7;
          events.add(new EncodedEvent(utf8("T"), utf8(entity),
              utf8("{\"n\":" + (seq + i) + ",\"f\":\"" + filler + "\"}"), utf8("{\"m\":" + (seq + i) + "}"),
              UUID.randomUUID(), ExpectedVersion.ANY));
          versions[i] = seq + i;
        }
        memtable.insert(List.of(new SequencedBatch("s", seq, seq, 0, events, versions)));
      }
      PinnedRows pinned = memtable.sealForFlush();
      try {
        long[] positions = new long[rows];
        for (int r = 0; r < rows; r++) {
          positions[r] = PinnedRows.position(0, r);
        }
        FileOrderRows sorted = FileOrderRows.sorted(pinned.parts(), positions, rows);
        int seen = 0;
        for (int entity = 0; entity < 7; entity++) {
          for (int seq = entity; seq < rows; seq += 7) {
            EventRow row = sorted.next();
            assertEquals(seq, row.getLong(EventColumn.SEQ));
            assertEquals("{\"n\":" + seq + ",\"f\":\"" + filler + "\"}", text(row, EventColumn.PAYLOAD));
            assertEquals("{\"m\":" + seq + "}", text(row, EventColumn.METADATA));
            seen++;
          }
        }
        assertEquals(rows, seen);
        assertFalse(sorted.hasNext());
        assertTrue(rows * 100_000L > FileOrderRows.BLOCK_COLUMN_BYTES, "the payloads need more than one block");
      } finally {
        pinned.release();
      }
    }
  }

  private static void checkOrder(Random random, List<String> pool) {
    try (BufferAllocator allocator = new RootAllocator();
        Memtable memtable = new Memtable(allocator, 1_000, 1_000)) {
      List<String> entities = new ArrayList<>();
      for (int seq = 0; seq < ROWS; seq += 50) {
        List<EncodedEvent> events = new ArrayList<>();
        long[] versions = new long[Math.min(50, ROWS - seq)];
        for (int i = 0; i < versions.length; i++) {
          String entity = pool.get(random.nextInt(pool.size()));
          entities.add(entity);
          versions[i] = entity == null ? -1 : seq + i;
          events.add(new EncodedEvent(utf8("Type" + (seq + i) % 7),
              entity == null ? null : utf8(entity), utf8("{\"n\":" + (seq + i) + "}"),
              (seq + i) % 3 == 0 ? null : utf8("{\"m\":" + (seq + i) + "}"), UUID.randomUUID(),
              ExpectedVersion.ANY));
        }
        memtable.insert(List.of(new SequencedBatch("orders", seq, 1_000 + seq, 60_000L * seq, events, versions)));
      }
      PinnedRows pinned = memtable.sealForFlush();
      try {
        long[] positions = new long[ROWS];
        int n = 0;
        for (int p = 0; p < pinned.parts().size(); p++) {
          for (int r = 0; r < pinned.parts().get(p).rows(); r++) {
            positions[n++] = PinnedRows.position(p, r);
          }
        }
        assertEquals(ROWS, n);
        FileOrderRows rows = FileOrderRows.sorted(pinned.parts(), positions, n);

        List<Integer> expected = new ArrayList<>();
        for (int seq = 0; seq < ROWS; seq++) {
          expected.add(seq);
        }
        expected.sort(Comparator.comparing((Integer seq) -> entities.get(seq) == null ? null : utf8(entities.get(seq)),
            Comparator.nullsFirst(Arrays::compareUnsigned)));
        for (int seq : expected) {
          EventRow row = rows.next();
          assertEquals(seq, row.getLong(EventColumn.SEQ));
          assertEquals(1_000 + seq, row.getLong(EventColumn.GLOBAL_SEQ));
          assertEquals(60_000L * (seq / 50 * 50), row.getLong(EventColumn.RECORDED_AT));
          String entity = entities.get(seq);
          assertEquals(entity == null, row.isNull(EventColumn.ENTITY_ID));
          assertEquals(entity == null, row.isNull(EventColumn.VERSION));
          if (entity != null) {
            assertEquals(entity, text(row, EventColumn.ENTITY_ID));
            assertEquals(seq, row.getLong(EventColumn.VERSION));
          }
          assertEquals("orders", text(row, EventColumn.STREAM_NAME));
          assertEquals("Type" + seq % 7, text(row, EventColumn.EVENT_TYPE));
          assertEquals("{\"n\":" + seq + "}", text(row, EventColumn.PAYLOAD));
          assertEquals(seq % 3 == 0, row.isNull(EventColumn.METADATA));
          if (seq % 3 != 0) {
            assertEquals("{\"m\":" + seq + "}", text(row, EventColumn.METADATA));
          }
        }
        assertFalse(rows.hasNext());
      } finally {
        pinned.release();
      }
    }
  }

  private static String text(EventRow row, EventColumn column) {
    byte[] into = new byte[4];
    int length = row.copyBytes(column, into);
    if (length > into.length) {
      into = new byte[length];
      row.copyBytes(column, into);
    }
    String copied = new String(into, 0, length, StandardCharsets.UTF_8);
    assertEquals(copied, new String(row.getBytes(column), StandardCharsets.UTF_8));
    return copied;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
