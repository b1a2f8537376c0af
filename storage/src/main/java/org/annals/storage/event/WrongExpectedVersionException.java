package org.annals.storage.event;

/**
 * An optimistic-concurrency conflict: an event expected its entity at one version but the entity
 * is at another. The whole batch was refused.
 */
public final class WrongExpectedVersionException extends AppendRejectedException {
  private static final long serialVersionUID = 1L;

  private final String streamName;
  private final String entityId;
  private final ExpectedVersion expected;
  private final long actual;

  public WrongExpectedVersionException(
      String streamName, String entityId, ExpectedVersion expected, long actual) {
    super("version conflict in stream '" + streamName + "' for entity '" + entityId
        + "': expected " + describe(expected) + " but the entity " + describeActual(actual)
        + "; nothing in the batch was stored");
    this.streamName = streamName;
    this.entityId = entityId;
    this.expected = expected;
    this.actual = actual;
  }

  /** "the entity to have no events yet", or "version 3". */
  private static String describe(ExpectedVersion expected) {
    return expected.equals(ExpectedVersion.NO_EVENTS) ? "the entity to have no events yet" : "version " + expected;
  }

  /** "has no events", or "is at version 3". */
  private static String describeActual(long actual) {
    return actual < 0 ? "has no events" : "is at version " + actual;
  }

  public String streamName() {
    return streamName;
  }

  public String entityId() {
    return entityId;
  }

  public ExpectedVersion expected() {
    return expected;
  }

  /** The entity's actual last version, or -1 when it has no events. */
  public long actual() {
    return actual;
  }
}
