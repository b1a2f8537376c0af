package org.annals.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The generator's history depends on drawing exactly what java.util.Random draws. */
class UnsharedRandomTest {

  @Test
  void drawsWhatRandomDrawsForEverySeedAndMethod() {
    for (long seed : new long[] {0, 1, -1, ShopHistoryGenerator.SEED, Long.MAX_VALUE, Long.MIN_VALUE}) {
      Random expected = new Random(seed);
      Random actual = new UnsharedRandom(seed);
      for (int i = 0; i < 20_000; i++) {
        switch (i % 6) {
          case 0 -> assertEquals(expected.nextInt(), actual.nextInt());
          case 1 -> assertEquals(expected.nextInt(1 + i), actual.nextInt(1 + i));
          case 2 -> assertEquals(expected.nextLong(), actual.nextLong());
          case 3 -> assertEquals(expected.nextDouble(), actual.nextDouble());
          case 4 -> assertEquals(expected.nextGaussian(), actual.nextGaussian());
          default -> assertEquals(expected.nextBoolean(), actual.nextBoolean());
        }
      }
    }
  }

  @Test
  void startsOverOnANewSeed() {
    Random expected = new Random(7);
    Random actual = new UnsharedRandom(99);
    actual.nextGaussian(); // leaves a second Gaussian pending, which a new seed must discard
    actual.setSeed(7);
    for (int i = 0; i < 100; i++) {
      assertEquals(expected.nextGaussian(), actual.nextGaussian());
    }
  }
}
