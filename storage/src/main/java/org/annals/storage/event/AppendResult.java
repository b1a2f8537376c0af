package org.annals.storage.event;

import java.util.List;

/**
 * The outcome of a durable append.
 *
 * @param positions one per event, in the order given
 * @param duplicate true when every event had already been stored (an idempotent retry): the
 *     positions are the original ones and nothing new was stored
 */
public record AppendResult(List<EventPosition> positions, boolean duplicate) {
  public AppendResult {
    positions = List.copyOf(positions);
  }
}
