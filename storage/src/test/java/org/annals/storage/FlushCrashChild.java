package org.annals.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.NewEvent;

/**
 * The child JVM of {@link FlushCrashTest}: opens a store on the folder named by its argument,
 * appends a fixed history over two streams and two days, prints an {@link AckLine} for each
 * acknowledged event, then flushes. The crash point armed with {@code -Dannals.crashAt} halts it
 * inside that flush; an exit status of 0 means the crash point was never reached.
 */
final class FlushCrashChild {
  static final Instant DAY_ONE = Instant.parse("2026-04-01T22:00:00Z");
  static final Instant DAY_TWO = Instant.parse("2026-04-02T03:00:00Z");

  private record Batch(Instant at, String stream, List<NewEvent> events) {}

  private static final List<Batch> HISTORY = List.of(
      new Batch(DAY_ONE, "orders", List.of(
          NewEvent.of("OrderPlaced", "o-1", "{\"amount\": 10}").withExpectedVersion(ExpectedVersion.NO_EVENTS),
          NewEvent.of("OrderPaid", "o-1", "{\"amount\": 10}").withExpectedVersion(ExpectedVersion.exactly(0)))),
      new Batch(DAY_ONE, "payments", List.of(NewEvent.of("Captured", "p-1", "{\"amount\": 10}"))),
      new Batch(DAY_ONE.plusSeconds(60), "orders", List.of(
          NewEvent.of("Heartbeat", null, "{}"),
          NewEvent.of("OrderPlaced", "o-2", "{\"amount\": 7}"))),
      new Batch(DAY_TWO, "orders", List.of(
          NewEvent.of("OrderShipped", "o-1", "{}").withExpectedVersion(ExpectedVersion.exactly(1)))),
      new Batch(DAY_TWO, "payments", List.of(
          NewEvent.of("Refunded", "p-1", "{\"amount\": 10}").withMetadata("{\"user\": \"ops\"}"),
          NewEvent.of("Settled", null, "{}"))),
      new Batch(DAY_TWO.plusSeconds(60), "orders", List.of(
          NewEvent.of("OrderPaid", "o-2", "{\"amount\": 7}").withExpectedVersion(ExpectedVersion.exactly(0)))));

  static final int EVENT_COUNT = HISTORY.stream().mapToInt(b -> b.events().size()).sum();

  private FlushCrashChild() {}

  public static void main(String[] args) throws IOException {
    MutableClock clock = new MutableClock(DAY_ONE);
    // One file writer, so that the test knows exactly which files exist at each crash point.
    StoreOptions options = StoreOptions.builder(Path.of(args[0])).clock(clock).backgroundFlush(false)
        .flushThreads(1).build();
    try (EventStore store = EventStore.open(options)) {
      for (Batch b : HISTORY) {
        clock.set(b.at());
        AppendResult r = store.append(b.stream(), b.events());
        for (int i = 0; i < b.events().size(); i++) {
          System.out.println(AckLine.of(r.positions().get(i), b.events().get(i).entityId()).format());
        }
      }
      store.flush();
    }
  }
}
