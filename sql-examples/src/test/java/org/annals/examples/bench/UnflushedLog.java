package org.annals.examples.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.annals.storage.event.NewEvent;

/**
 * The child of {@link RestartBenchmark}: appends to a store that never flushes until its WAL
 * holds the bytes asked for, then halts without closing, as a crash would, so that every event
 * is in the log alone. Arguments: folder, WAL bytes.
 */
final class UnflushedLog {
  /** The exit status of a fill that reached its size. */
  static final int HALTED = 7;

  private UnflushedLog() {}

  public static void main(String[] args) throws Exception {
    long walBytes = Long.parseLong(args[1]);
    EventStore store = EventStore.open(StoreOptions.builder(Path.of(args[0])).backgroundFlush(false)
        .backgroundCompaction(false).flushMemtableBytes(Long.MAX_VALUE / 4).build());
    long n = 0;
    while (store.status().walBytes() < walBytes) {
      List<NewEvent> batch = new ArrayList<>(1000);
      for (int i = 0; i < 1000; i++, n++) {
        batch.add(NewEvent.of("OrderPlaced", "order-" + (n / 4), "{\"order\":" + n + ",\"sku\":\"SKU-" + (n % 10_000)
            + "\",\"amount\":" + (n % 900) + ".5,\"currency\":\"EUR\",\"note\":\"an order of the restart benchmark\"}"));
      }
      store.append("orders", batch);
    }
    System.out.printf("appended %,d events, %,d bytes of WAL%n", n, store.status().walBytes());
    System.out.flush();
    Runtime.getRuntime().halt(HALTED);
  }
}
