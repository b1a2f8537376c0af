package org.annals.engine.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that a generator sets by hand while it writes a past history, and that follows the
 * system clock once {@link #release()}d, so one store can be filled with history and then serve.
 * Thread-safe.
 */
public final class SimulatedClock extends Clock {
  private volatile long millis;
  private volatile boolean released;

  public SimulatedClock(Instant start) {
    this.millis = start.toEpochMilli();
  }

  public void set(long epochMillis) {
    this.millis = epochMillis;
  }

  /** From now on, the real time. */
  public void release() {
    released = true;
  }

  @Override
  public long millis() {
    return released ? System.currentTimeMillis() : millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("Annals time is UTC");
  }
}
