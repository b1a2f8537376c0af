package org.annals.storage.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.annals.storage.StoreStatus;
import org.annals.storage.event.NewEvent;

/**
 * Measures durable appends per second with concurrent appenders, the mean events per fsync, and
 * flush throughput. Run with {@code ./bench/storage} (see the README); arguments:
 * {@code [seconds per case, default 10] [data folder parent, default the system temp folder]}.
 */
public final class StorageBenchmark {
  private static final int APPENDERS = 8;
  private static final int POOL = 8192;

  private StorageBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path parent = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
    System.out.printf("Annals storage benchmark: %d appenders, ~200-byte events, %d s per case, data under %s%n",
        APPENDERS, seconds, parent);
    for (int batch : new int[] {1, 100}) {
      Path dir = Files.createTempDirectory(parent, "annals-bench-");
      try {
        runCase(dir, batch, seconds);
      } finally {
        deleteTree(dir);
      }
    }
  }

  private static void runCase(Path dir, int batchSize, int seconds) throws Exception {
    StoreOptions options = StoreOptions.builder(dir).backgroundFlush(false)
        .memtableChunkRows(65_536).idempotencyMaxEntries(1_000_000).build();
    try (EventStore store = EventStore.open(options)) {
      LongAdder events = new LongAdder();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch done = new CountDownLatch(APPENDERS);
      List<Thread> threads = new ArrayList<>();
      StoreStatus before = store.status();
      long start = System.nanoTime();
      for (int t = 0; t < APPENDERS; t++) {
        int appender = t;
        Thread thread = new Thread(() -> {
          try {
            // Events are made up front so that the appenders measure the store, not String.format.
            NewEvent[] pool = new NewEvent[POOL];
            for (int i = 0; i < POOL; i++) {
              pool[i] = event(appender, i);
            }
            long n = 0;
            while (!stop.get()) {
              List<NewEvent> batch = new ArrayList<>(batchSize);
              for (int i = 0; i < batchSize; i++, n++) {
                batch.add(pool[(int) (n % POOL)]);
              }
              store.append("bench-" + appender % 4, batch);
              events.add(batchSize);
            }
          } finally {
            done.countDown();
          }
        }, "appender-" + t);
        threads.add(thread);
        thread.start();
      }
      Thread.sleep(seconds * 1000L);
      stop.set(true);
      done.await();
      double elapsed = (System.nanoTime() - start) / 1e9;
      StoreStatus after = store.status();
      long appended = events.sum();
      long fsyncs = after.fsyncs() - before.fsyncs();
      System.out.printf(Locale.ROOT, "batch %3d: %,12.0f durable events/s  (%,d events in %.1f s, %,d fsyncs, %.1f events per fsync, WAL %.1f MB/s)%n",
          batchSize, appended / elapsed, appended, elapsed, fsyncs, (double) appended / fsyncs,
          after.walBytes() / 1e6 / elapsed);

      long rows = store.status().memtableRows();
      long flushStart = System.nanoTime();
      store.flush();
      double flushSeconds = (System.nanoTime() - flushStart) / 1e9;
      System.out.printf(Locale.ROOT, "           flush: %,12.0f events/s  (%,d events into %d files in %.1f s)%n",
          rows / flushSeconds, rows, store.status().flushedFiles(), flushSeconds);
    }
  }

  private static NewEvent event(int appender, long n) {
    String payload = String.format(Locale.ROOT,
        "{\"order_id\":\"o-%d-%d\",\"sku\":\"SKU-%05d\",\"quantity\":%d,\"amount\":%d.%02d,"
            + "\"currency\":\"EUR\",\"note\":\"benchmark event with a realistic size\"}",
        appender, n, n % 10_000, 1 + n % 5, 10 + n % 900, n % 100);
    return NewEvent.of("OrderPlaced", "o-" + appender + "-" + (n / 4), payload);
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
