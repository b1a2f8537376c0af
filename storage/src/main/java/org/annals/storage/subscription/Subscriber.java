package org.annals.storage.subscription;

import java.util.List;
import org.annals.storage.event.StoredEvent;

/**
 * Receives a subscription's events, on the subscription's own thread. The subscription reads no
 * further while {@link #onEvents} runs, so a consumer slower than the appends holds back only its
 * own subscription (back-pressure by waiting), never the appends or other subscribers, and
 * nothing queues up in memory beyond one page.
 */
@FunctionalInterface
public interface Subscriber {
  /**
   * The next events, in log order, each exactly once. An exception thrown here ends the
   * subscription; {@link #onEnd} then gets it.
   */
  void onEvents(List<StoredEvent> events) throws Exception;

  /**
   * Called once, last, on the subscription's thread: with null when the subscription was closed,
   * else with what ended it (the store closing, a failed read, an exception from
   * {@link #onEvents}).
   */
  default void onEnd(Throwable failure) {}
}
