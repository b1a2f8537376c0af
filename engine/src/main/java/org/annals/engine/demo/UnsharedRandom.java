package org.annals.engine.demo;

import java.util.Random;

/**
 * The exact sequence of {@link Random} (its documented linear congruential generator) without the
 * atomic compare-and-set that makes every draw of a shared Random thread-safe. The generator draws
 * several numbers per event on one thread, where that update was a twentieth of its time.
 */
final class UnsharedRandom extends Random {
  private static final long MULTIPLIER = 0x5DEECE66DL;
  private static final long ADDEND = 0xBL;
  private static final long MASK = (1L << 48) - 1;

  /** Set by {@link #setSeed}, which Random's constructor calls for a subclass. */
  private long state;

  UnsharedRandom(long seed) {
    super(seed);
  }

  @Override
  public synchronized void setSeed(long seed) {
    super.setSeed(seed);
    state = (seed ^ MULTIPLIER) & MASK;
  }

  @Override
  protected int next(int bits) {
    state = (state * MULTIPLIER + ADDEND) & MASK;
    return (int) (state >>> (48 - bits));
  }
}
