package org.annals.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.NewEvent;

/**
 * The child JVM of {@link MaintenanceCrashTest}. With {@code build}, it appends a history in
 * seven flushes (three files of yesterday, four of today) and exits; with {@code compact}, it
 * reopens the folder, compacts, then appends and flushes once more (the commit after which the
 * replaced files are deleted); with {@code erase}, it reopens the folder and erases
 * {@link #ERASED}. The crash point armed with {@code -Dannals.crashAt} halts it in the compaction
 * or erasure. Each acknowledged event is printed as an {@link AckLine}.
 */
final class MaintenanceCrashChild {
  static final Instant YESTERDAY = Instant.parse("2026-06-01T12:00:00Z");
  static final Instant TODAY = Instant.parse("2026-06-02T08:00:00Z");
  static final int EVENTS_PER_FLUSH = 25;
  static final String ERASED = "order-7";

  private MaintenanceCrashChild() {}

  static StoreOptions options(Path data, MutableClock clock) {
    return StoreOptions.builder(data).clock(clock).backgroundFlush(false).backgroundCompaction(false)
        .flushThreads(1).build();
  }

  public static void main(String[] args) throws IOException {
    MutableClock clock = new MutableClock(YESTERDAY);
    try (EventStore store = EventStore.open(options(Path.of(args[0]), clock))) {
      if (args[1].equals("build")) {
        for (int flush = 0; flush < 7; flush++) {
          clock.set((flush < 3 ? YESTERDAY : TODAY).plusSeconds(flush));
          for (int i = 0; i < EVENTS_PER_FLUSH; i++) {
            append(store, "order-" + (i * 13 + flush) % 40);
          }
          store.flush();
        }
      } else if (args[1].equals("compact")) {
        clock.set(TODAY.plusSeconds(60));
        store.compact();
        append(store, "order-after");
        store.flush();
      } else {
        clock.set(TODAY.plusSeconds(60));
        store.erase("orders", ERASED, "crash-test", null);
      }
    }
  }

  private static void append(EventStore store, String entity) {
    AppendResult r = store.append("orders", List.of(NewEvent.of("OrderNoted", entity, "{\"n\": 1}")));
    System.out.println(AckLine.of(r.positions().get(0), entity).format());
  }
}
