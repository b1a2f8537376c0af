package org.annals.storage.event;

/**
 * What a client believes an entity's current version to be when it appends: the basis of
 * optimistic concurrency. Versions are 0-based, so an entity with one event is at version 0.
 */
public record ExpectedVersion(long value) {

  private static final long ANY_VALUE = -2;
  private static final long NO_EVENTS_VALUE = -1;

  /** No check: the event is appended whatever the entity's version is. */
  public static final ExpectedVersion ANY = new ExpectedVersion(ANY_VALUE);

  /** The entity must have no events yet in the stream. */
  public static final ExpectedVersion NO_EVENTS = new ExpectedVersion(NO_EVENTS_VALUE);

  public ExpectedVersion {
    if (value < ANY_VALUE) {
      throw new IllegalArgumentException("an expected version is >= 0, or 'no events', or 'any'; got " + value);
    }
  }

  /** The entity's last event must be at exactly this version. */
  public static ExpectedVersion exactly(long version) {
    if (version < 0) {
      throw new IllegalArgumentException("an exact expected version is >= 0; got " + version);
    }
    return new ExpectedVersion(version);
  }

  public boolean isAny() {
    return value == ANY_VALUE;
  }

  /** Whether an entity whose last version is {@code actual} (-1 for none) satisfies this. */
  public boolean matches(long actual) {
    return isAny() || value == actual;
  }

  @Override
  public String toString() {
    if (value == ANY_VALUE) {
      return "any";
    }
    return value == NO_EVENTS_VALUE ? "no events" : Long.toString(value);
  }
}
