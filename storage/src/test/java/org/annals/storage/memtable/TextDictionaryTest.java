package org.annals.storage.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/** A text column's dictionary gives equal values one id, null rows -1, and gives up on unique values. */
class TextDictionaryTest {
  @Test
  void equalValuesShareAnIdAndNullRowsHaveNone() {
    try (BufferAllocator allocator = new RootAllocator(); VarCharVector v = new VarCharVector("t", allocator)) {
      String[] values = {"Placed", "Paid", null, "Placed", "", "Paid", "Placed"};
      fill(v, values);
      TextDictionary d = TextDictionary.build(v, values.length);
      assertNotNull(d);
      assertEquals(3, d.size());
      for (int row = 0; row < values.length; row++) {
        if (values[row] == null) {
          assertEquals(-1, d.id(row));
        } else {
          assertArrayEquals(values[row].getBytes(StandardCharsets.UTF_8), d.value(d.id(row)), "row " + row);
        }
      }
      assertEquals(d.id(0), d.id(3));
      assertEquals(d.id(1), d.id(5));
    }
  }

  @Test
  void aColumnWithMoreDistinctValuesThanTheBoundGetsNoDictionary() {
    int rows = 10_000;
    try (BufferAllocator allocator = new RootAllocator(); VarCharVector v = new VarCharVector("t", allocator)) {
      String[] unique = new String[rows];
      String[] bounded = new String[rows];
      for (int i = 0; i < rows; i++) {
        unique[i] = "e-" + i;
        bounded[i] = "v-" + i % TextDictionary.maxValues(rows);
      }
      fill(v, unique);
      assertNull(TextDictionary.build(v, rows));
      fill(v, bounded);
      assertEquals(TextDictionary.maxValues(rows), TextDictionary.build(v, rows).size());
    }
  }

  private static void fill(VarCharVector v, String[] values) {
    v.reset();
    v.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        v.setNull(i);
      } else {
        v.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
      }
    }
    v.setValueCount(values.length);
  }
}
