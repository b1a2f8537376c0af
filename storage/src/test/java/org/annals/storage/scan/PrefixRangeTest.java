package org.annals.storage.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Whether text starting with a prefix may lie between a file's or row group's min and max. */
class PrefixRangeTest {
  private static boolean may(String prefix, String min, String max) {
    return ScanSpec.prefixMayBeWithin(prefix.getBytes(StandardCharsets.UTF_8), min.getBytes(StandardCharsets.UTF_8),
        max.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aPrefixMeetsARangeThatOverlapsTheValuesStartingWithIt() {
    assertEquals(true, may("b", "a", "c"));
    assertEquals(true, may("b", "ba", "bz"));
    assertEquals(true, may("b", "b", "b"));
    assertEquals(true, may("ab", "abz", "b"), "min is longer than the prefix but starts with it");
    assertEquals(true, may("", "a", "b"), "every value starts with nothing");
    assertEquals(false, may("b", "c", "d"), "every value is past the prefix's");
    assertEquals(false, may("b", "a", "az"), "every value is before the prefix");
    assertEquals(false, may("ab", "ac", "b"));
    assertEquals(false, may("é", "a", "z"), "UTF-8 bytes compare unsigned, as Parquet orders them");
    assertEquals(true, may("é", "a", "ü"));
  }
}
