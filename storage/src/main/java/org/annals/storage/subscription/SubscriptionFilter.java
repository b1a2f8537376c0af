package org.annals.storage.subscription;

import java.util.Set;
import org.annals.storage.event.StreamName;
import org.annals.storage.scan.ScanSpec;

/**
 * Which events a subscription follows: every stream's, or one stream's, optionally only some
 * event types. A subscription to every stream counts its position in global_seq; one to a single
 * stream counts it in that stream's seq. Immutable.
 *
 * @param stream the stream followed, or null for all
 * @param eventTypes the event types followed, or null for all
 */
public record SubscriptionFilter(String stream, Set<String> eventTypes) {
  public SubscriptionFilter {
    if (stream != null) {
      StreamName.check(stream);
    }
    if (eventTypes != null && eventTypes.isEmpty()) {
      throw new IllegalArgumentException("a subscription's event types, when given, name at least one type");
    }
    eventTypes = eventTypes == null ? null : Set.copyOf(eventTypes);
  }

  /** Every event of every stream, in global_seq order. */
  public static SubscriptionFilter all() {
    return new SubscriptionFilter(null, null);
  }

  /** Every event of one stream, in seq order. */
  public static SubscriptionFilter stream(String name) {
    return new SubscriptionFilter(name, null);
  }

  /** The same events, only of these types. */
  public SubscriptionFilter withEventTypes(Set<String> types) {
    return new SubscriptionFilter(stream, types);
  }

  /**
   * The events at or past a subscription's start that lie in a range of global_seq.
   *
   * @param from where the subscription started: a global_seq, or a seq for a one-stream filter
   */
  ScanSpec spec(long from, long globalSeqMin, long globalSeqMax) {
    ScanSpec.Builder spec = ScanSpec.builder().globalSeqBetween(globalSeqMin, globalSeqMax);
    if (stream != null) {
      spec.stream(stream).seqBetween(from, Long.MAX_VALUE);
    }
    if (eventTypes != null) {
      spec.eventTypes(eventTypes);
    }
    return spec.build();
  }
}
