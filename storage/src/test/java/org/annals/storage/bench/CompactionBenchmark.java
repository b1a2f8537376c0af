package org.annals.storage.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.annals.storage.EventStore;
import org.annals.storage.MutableClock;
import org.annals.storage.StoreOptions;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.NewEvent;
import org.annals.storage.scan.AggregateSpec;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.ScanStats;
import org.annals.storage.scan.Snapshot;

/**
 * The same queries on two stores fed the same events in the same flushes, one compacting after
 * each flush (as the background compactor would) and one never: time after 10 flushes and after
 * 500. Each flush adds 2,000 events of new orders (four events each), and the store's clock moves
 * one day every 100 flushes, so the stores hold five past days and today. Run with
 * {@code ./bench/compaction}; arguments: {@code [flushes, default 500] [data folder parent]}.
 */
public final class CompactionBenchmark {
  private static final int EVENTS_PER_FLUSH = 2_000;
  private static final int FLUSHES_PER_DAY = 100;
  private static final int LOOKUPS = 200;
  private static final int REPEATS = 5;
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

  private CompactionBenchmark() {}

  public static void main(String[] args) throws Exception {
    int flushes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    Path parent = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
    System.out.printf(Locale.ROOT, "Annals compaction benchmark: %,d events per flush, one day per %d flushes,"
        + " medians of %d runs, data under %s%n%n", EVENTS_PER_FLUSH, FLUSHES_PER_DAY, REPEATS, parent);
    System.out.printf(Locale.ROOT, "%-10s %8s %9s | %6s %10s %10s %10s %10s | %6s %10s %10s %10s %10s%n",
        "store", "flushes", "events", "files", "group ms", "type ms", "range ms", "entity ms",
        "files", "group ms", "type ms", "range ms", "entity ms");
    System.out.printf(Locale.ROOT, "%-29s | %-50s | %-50s%n", "", "compacted", "never compacted");
    Path compactedDir = Files.createTempDirectory(parent, "annals-compacted-");
    Path plainDir = Files.createTempDirectory(parent, "annals-uncompacted-");
    // The store's clock decides an event's day, hence its partition.
    MutableClock clock = new MutableClock(START);
    try (EventStore compacted = open(compactedDir, clock); EventStore plain = open(plainDir, clock)) {
      for (int flush = 1; flush <= flushes; flush++) {
        clock.set(START.plusSeconds((long) ((flush - 1) / FLUSHES_PER_DAY) * 86_400 + (flush - 1) % FLUSHES_PER_DAY * 600L));
        List<NewEvent> events = events(flush);
        for (int from = 0; from < events.size(); from += 500) {
          compacted.append("orders", events.subList(from, from + 500));
          plain.append("orders", events.subList(from, from + 500));
        }
        compacted.flush();
        compacted.compact();
        plain.flush();
        if (flush == 10) {
          // The first measurement warms the JIT for both stores; only the second is shown.
          measure(compacted, flush);
          measure(plain, flush);
        }
        if (flush == 10 || flush == flushes) {
          double[] a = measure(compacted, flush);
          double[] b = measure(plain, flush);
          System.out.printf(Locale.ROOT, "%-10s %8d %,9d | %6.0f %10.1f %10.1f %10.1f %10.2f | %6.0f %10.1f %10.1f %10.1f %10.2f%n",
              "orders", flush, (long) flush * EVENTS_PER_FLUSH, a[0], a[1], a[2], a[3], a[4], b[0], b[1], b[2], b[3], b[4]);
        }
      }
    } finally {
      deleteTree(compactedDir);
      deleteTree(plainDir);
    }
    System.out.println();
    System.out.println("group: GROUP BY event_type, COUNT(*) over every event; type: the payloads of one event type;");
    System.out.println("range: every column of the last 10 minutes; entity: median of one order's history, "
        + LOOKUPS + " orders");
  }

  private static EventStore open(Path dir, MutableClock clock) throws Exception {
    return EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).backgroundCompaction(false)
        .build());
  }

  /** Orders placed in this flush, each placed, paid, packed and shipped. */
  private static List<NewEvent> events(int flush) {
    String[] types = {"OrderPlaced", "OrderPaid", "OrderPacked", "OrderShipped"};
    List<NewEvent> events = new ArrayList<>(EVENTS_PER_FLUSH);
    for (int step = 0; step < 4; step++) {
      for (int o = 0; o < EVENTS_PER_FLUSH / 4; o++) {
        long order = (long) flush * (EVENTS_PER_FLUSH / 4) + o;
        events.add(NewEvent.of(types[step], "order-" + order, String.format(Locale.ROOT,
            "{\"order\":%d,\"sku\":\"SKU-%05d\",\"quantity\":%d,\"amount\":%d.%02d,\"currency\":\"EUR\"}",
            order, order % 10_000, 1 + order % 5, 10 + order % 900, order % 100)));
      }
    }
    return events;
  }

  /** Files, then medians in milliseconds of: group, type, range, entity. */
  private static double[] measure(EventStore store, int flushes) throws Exception {
    double[] out = new double[5];
    out[0] = store.status().flushedFiles();
    AggregateSpec byType = new AggregateSpec(List.of(AggregateSpec.GroupKey.of(EventColumn.EVENT_TYPE)),
        List.of(AggregateSpec.Measure.countRows()));
    ScanSpec paid = ScanSpec.builder().eventType("OrderPaid").columns(EventColumn.PAYLOAD).build();
    long end = store.options().clock().millis() + 1;
    ScanSpec range = ScanSpec.builder().recordedBetween(end - 600_000, end).build();
    out[1] = median(() -> {
      try (Snapshot s = store.snapshot()) {
        s.aggregate(ScanSpec.all(), byType, () -> false, new ScanStats());
      }
    });
    out[2] = median(() -> scanAll(store, paid));
    out[3] = median(() -> scanAll(store, range));
    Random random = new Random(42);
    long orders = (long) flushes * (EVENTS_PER_FLUSH / 4);
    double[] lookups = new double[LOOKUPS];
    for (int i = 0; i < LOOKUPS; i++) {
      String entity = "order-" + (EVENTS_PER_FLUSH / 4 + (long) (random.nextDouble() * orders));
      long start = System.nanoTime();
      if (store.readEntity("orders", entity).size() != 4) {
        throw new IllegalStateException(entity + " does not have its four events");
      }
      lookups[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(lookups);
    out[4] = lookups[LOOKUPS / 2];
    return out;
  }

  private static void scanAll(EventStore store, ScanSpec spec) throws Exception {
    try (Snapshot s = store.snapshot(); EventScanner scan = s.scan(spec)) {
      while (scan.next()) {
        scan.batch();
      }
    }
  }

  private interface Query {
    void run() throws Exception;
  }

  private static double median(Query q) throws Exception {
    double[] ms = new double[REPEATS];
    for (int i = 0; i < REPEATS; i++) {
      long start = System.nanoTime();
      q.run();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms[REPEATS / 2];
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
