package org.annals.examples.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.examples.ThinDriver;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;

/**
 * Query speed through the thin driver against DuckDB reading the same Parquet files, in one run:
 * rows per second for {@code SELECT * FROM events} (protobuf and JSON), and the time of
 * {@code SELECT event_type, COUNT(*) FROM events GROUP BY event_type}. Run with
 * {@code bench/query [events]} (default 1,000,000).
 */
public final class QueryBenchmark {
  private static final String GROUP_BY = "SELECT event_type, COUNT(*) FROM events GROUP BY event_type";
  private static final int RUNS = 3;

  private QueryBenchmark() {}

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("annals-query-bench-");
    try {
      run(dir, events);
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static void run(Path dir, long target) throws Exception {
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build());
    long start = System.nanoTime();
    long events = new ShopHistoryGenerator(store, clock, target, ShopHistoryGenerator.SEED).run();
    store.flush();
    clock.release();
    System.out.printf(Locale.ROOT, "generated and flushed %,d events in %.1f s (%d files)%n", events,
        (System.nanoTime() - start) / 1e9, store.status().flushedFiles());
    String parquet = dir.resolve("events").toString().replace("'", "''") + "/**/*.parquet";
    ThinDriver driver = ThinDriver.load();
    try (AnnalsServer server = AnnalsServer.start(store, ServerConfig.defaults("127.0.0.1", 0));
         Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      String duckAll = "SELECT * FROM read_parquet('" + parquet + "')";
      String duckGroup = "SELECT event_type, COUNT(*) FROM read_parquet('" + parquet + "') GROUP BY event_type";
      double duckScan = bestRowsPerSecond(duck, duckAll);
      for (String serialization : new String[] {"protobuf", "json"}) {
        try (Connection annals = driver.connect(server.jdbcUrl() + "?serialization=" + serialization)) {
          double scan = bestRowsPerSecond(annals, "SELECT * FROM events");
          System.out.printf(Locale.ROOT, "SELECT * FROM events, %-8s  Annals %,12.0f rows/s   DuckDB %,12.0f rows/s   Annals/DuckDB %.3f%n",
              serialization, scan, duckScan, scan / duckScan);
        }
      }
      try (Connection annals = driver.connect(server.jdbcUrl())) {
        double annalsMs = bestMillis(annals, GROUP_BY);
        double duckMs = bestMillis(duck, duckGroup);
        System.out.printf(Locale.ROOT, "GROUP BY event_type          Annals %,10.1f ms        DuckDB %,10.1f ms        Annals/DuckDB time %.1f%n",
            annalsMs, duckMs, annalsMs / duckMs);
      }
    }
  }

  /** Best of several runs: reads every column of every row, as a client would. */
  private static double bestRowsPerSecond(Connection c, String sql) throws Exception {
    double best = 0;
    for (int run = 0; run < RUNS; run++) {
      long start = System.nanoTime();
      long rows = 0;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= columns; i++) {
            rs.getObject(i);
          }
          rows++;
        }
      }
      best = Math.max(best, rows / ((System.nanoTime() - start) / 1e9));
    }
    return best;
  }

  private static double bestMillis(Connection c, String sql) throws Exception {
    double best = Double.MAX_VALUE;
    for (int run = 0; run < RUNS; run++) {
      long start = System.nanoTime();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          rs.getObject(1);
        }
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e6);
    }
    return best;
  }
}
