package org.annals.examples.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.examples.CountingProxy;
import org.annals.examples.ThinDriver;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;

/**
 * Query speed through the thin driver against DuckDB reading the same Parquet files, in one run.
 * Annals is {@code annals serve} in a process of its own ({@link ServerProcess}), as users run
 * it; DuckDB runs in this process, as its users run it; PostgreSQL, where installed, holds the
 * same rows ({@link PostgresServer}).
 * Each query runs on the engines in turn (Annals, DuckDB, PostgreSQL, Annals, ...), and the
 * medians and their ratios are printed; then one entity's history, prepared, a different entity each time (p50 and
 * p99 per lookup); then rows per second for {@code SELECT * FROM events} (protobuf and JSON). DuckDB's time buckets are integer division of {@code epoch_ms(recorded_at)}:
 * on the TIMESTAMPTZ it reads from the files, {@code date_trunc} and casts go through time zone
 * rules and are ten times slower, which would flatter Annals.
 *
 * <p>Run with {@code bench/query [events|small|large] [data folder]}. Without a folder the history
 * is generated into a temporary one and deleted afterwards; with one, an empty folder is filled and
 * kept, and a folder that already holds events is used as it is.
 */
public final class QueryBenchmark {
  private static final int RUNS = 5;
  /** The thin driver's three ways to read a result, in the order both SELECT * reports use. */
  private static final String[] ANNALS_CLIENTS = {"protobuf", "protobuf, Avatica's rows", "json"};
  private static final int WARMUP_ROUNDS = 3;
  private static final int SCAN_WARMUP = 3;
  private static final int LOOKUPS = 300;
  private static final int CATCH_UP_PAGE = 10_000;
  private static final int CATCH_UP_RUNS = 3;
  /**
   * Lookups before the timed ones, on every engine: a server that has just started runs its first
   * few hundred lookups partly in the JVM's interpreter (p50 about 3x the warm one on 10.7 M
   * events), and an application that rebuilds entities asks thousands.
   */
  private static final int LOOKUP_WARMUP = 1000;
  private static final String DAY_FROM = "2026-10-15 00:00:00";
  private static final String DAY_TO = "2026-10-16 00:00:00";

  /**
   * One query in each dialect: Annals' SQL, DuckDB's over {@code t} (the Parquet files), and
   * PostgreSQL's over its table {@code events} (payloads as jsonb).
   */
  private record Query(String name, String annals, String duck, String postgres) {}

  private static final List<Query> QUERIES = List.of(
      new Query("COUNT(*)", "SELECT COUNT(*) FROM events", "SELECT COUNT(*) FROM t",
          "SELECT COUNT(*) FROM events"),
      new Query("count of one stream, one day",
          "SELECT COUNT(*) FROM events WHERE stream_name = 'orders' AND recorded_at >= TIMESTAMP '"
              + DAY_FROM + "' AND recorded_at < TIMESTAMP '" + DAY_TO + "'",
          "SELECT COUNT(*) FROM t WHERE stream_name = 'orders' AND recorded_at >= TIMESTAMPTZ '"
              + DAY_FROM + "+00' AND recorded_at < TIMESTAMPTZ '" + DAY_TO + "+00'",
          "SELECT COUNT(*) FROM events WHERE stream_name = 'orders' AND recorded_at >= TIMESTAMPTZ '"
              + DAY_FROM + "+00' AND recorded_at < TIMESTAMPTZ '" + DAY_TO + "+00'"),
      new Query("count of one event type",
          "SELECT COUNT(*) FROM events WHERE event_type = 'OrderPlaced'",
          "SELECT COUNT(*) FROM t WHERE event_type = 'OrderPlaced'",
          "SELECT COUNT(*) FROM events WHERE event_type = 'OrderPlaced'"),
      new Query("GROUP BY event_type",
          "SELECT event_type, COUNT(*) FROM events GROUP BY event_type",
          "SELECT event_type, COUNT(*) FROM t GROUP BY event_type",
          "SELECT event_type, COUNT(*) FROM events GROUP BY event_type"),
      new Query("hourly counts",
          "SELECT FLOOR(recorded_at TO HOUR), COUNT(*) FROM events GROUP BY FLOOR(recorded_at TO HOUR)",
          "SELECT epoch_ms(recorded_at) // 3600000, COUNT(*) FROM t GROUP BY 1",
          "SELECT date_trunc('hour', recorded_at), COUNT(*) FROM events GROUP BY 1"),
      new Query("daily counts per stream",
          "SELECT stream_name, FLOOR(recorded_at TO DAY), COUNT(*) FROM events"
              + " GROUP BY stream_name, FLOOR(recorded_at TO DAY)",
          "SELECT stream_name, epoch_ms(recorded_at) // 86400000, COUNT(*) FROM t GROUP BY 1, 2",
          "SELECT stream_name, date_trunc('day', recorded_at), COUNT(*) FROM events GROUP BY 1, 2"),
      new Query("revenue by currency (JSON_VALUE)",
          "SELECT JSON_VALUE(payload, '$.currency'),"
              + " SUM(CAST(JSON_VALUE(payload, '$.amount') AS DECIMAL(12, 2))) FROM payments"
              + " WHERE event_type = 'Captured' GROUP BY JSON_VALUE(payload, '$.currency')",
          "SELECT json_extract_string(payload, '$.currency'),"
              + " SUM(CAST(json_extract_string(payload, '$.amount') AS DECIMAL(12, 2))) FROM t"
              + " WHERE stream_name = 'payments' AND event_type = 'Captured' GROUP BY 1",
          "SELECT payload ->> 'currency', SUM((payload ->> 'amount')::numeric(12, 2)) FROM events"
              + " WHERE stream_name = 'payments' AND event_type = 'Captured' GROUP BY 1"),
      // The same sum over schema types' typed column, which a BI tool sees as a DOUBLE.
      new Query("SUM of a typed column",
          "SELECT SUM(amount) FROM types.payments_captured",
          "SELECT SUM(CAST(json_extract_string(payload, '$.amount') AS DOUBLE)) FROM t"
              + " WHERE stream_name = 'payments' AND event_type = 'Captured'",
          "SELECT SUM((payload ->> 'amount')::float8) FROM events"
              + " WHERE stream_name = 'payments' AND event_type = 'Captured'"),
      new Query("revenue by currency (typed columns)",
          "SELECT currency, SUM(amount) FROM types.payments_captured GROUP BY currency",
          "SELECT json_extract_string(payload, '$.currency'),"
              + " SUM(CAST(json_extract_string(payload, '$.amount') AS DOUBLE)) FROM t"
              + " WHERE stream_name = 'payments' AND event_type = 'Captured' GROUP BY 1",
          "SELECT payload ->> 'currency', SUM((payload ->> 'amount')::float8) FROM events"
              + " WHERE stream_name = 'payments' AND event_type = 'Captured' GROUP BY 1"),
      new Query("latest 10 events",
          "SELECT * FROM events ORDER BY recorded_at DESC LIMIT 10",
          "SELECT * EXCLUDE (date) FROM t ORDER BY recorded_at DESC LIMIT 10",
          "SELECT * FROM events ORDER BY recorded_at DESC LIMIT 10"),
      // A subscriber that follows the log from SQL asks this over and over with its last position.
      new Query("next 1,000 after global_seq 500,000",
          "SELECT * FROM events WHERE global_seq > 500000 ORDER BY global_seq LIMIT 1000",
          "SELECT * EXCLUDE (date) FROM t WHERE global_seq > 500000 ORDER BY global_seq LIMIT 1000",
          "SELECT * FROM events WHERE global_seq > 500000 ORDER BY global_seq LIMIT 1000"));

  private QueryBenchmark() {}

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? size(args[0]) : 1_000_000;
    if (args.length > 1 && !args[1].isBlank()) {
      run(Path.of(args[1]), events);
      return;
    }
    Path dir = Files.createTempDirectory("annals-query-bench-");
    try {
      run(dir, events);
    } finally {
      BenchFolders.delete(dir);
    }
  }

  private static long size(String arg) {
    return switch (arg.toLowerCase(Locale.ROOT)) {
      case "small" -> ShopHistoryGenerator.Size.SMALL.events;
      case "large" -> ShopHistoryGenerator.Size.LARGE.events;
      default -> Long.parseLong(arg);
    };
  }

  private static void run(Path dir, long target) throws Exception {
    fill(dir, target);
    String parquet = dir.resolve("events").toString().replace("'", "''") + "/**/*.parquet";
    ThinDriver driver = ThinDriver.load();
    try (ServerProcess server = ServerProcess.start(dir, driver);
         Connection duck = DriverManager.getConnection("jdbc:duckdb:");
         Connection annals = driver.connect(server.jdbcUrl())) {
      try (Statement s = duck.createStatement()) {
        s.execute("SET TimeZone = 'UTC'");
        // Annals keeps footers, bloom filters and page indexes in memory; DuckDB may keep footers too.
        s.execute("SET parquet_metadata_cache = true");
        s.execute("CREATE VIEW t AS SELECT * FROM read_parquet('" + parquet + "', hive_partitioning = true)");
      }
      long annalsEvents = count(annals, "SELECT COUNT(*) FROM events");
      long fileEvents = count(duck, "SELECT COUNT(*) FROM t");
      if (annalsEvents != fileEvents) {
        // Events still in the log (a generation cut short, say) are Annals' alone: every figure would mislead.
        throw new IllegalStateException(dir + " holds " + annalsEvents + " events for Annals but " + fileEvents
            + " in its Parquet files; flush it (annals serve flushes on the way out) or use a new folder");
      }
      System.out.printf(Locale.ROOT, "%s: %,d events, served by annals serve in a process of its own%n",
          dir, annalsEvents);
      try (PostgresServer postgres = startPostgres(duck, dir);
           Connection pg = postgres == null ? null : postgres.connect()) {
        compare(annals, duck, pg);
        entityLookups(annals, duck, pg);
        catchUp(server, annals, pg, annalsEvents);
        selectAll(driver, server, duck, pg, annalsEvents);
        wireBytes(driver, server, postgres);
      }
    }
  }

  /**
   * A subscriber catching up: every event from the start of the log, in pages of
   * {@link #CATCH_UP_PAGE}, each asked for with the position after the previous one. Annals over
   * its HTTP subscription ({@code GET /events}, NDJSON, the lines counted) and over SQL through the
   * thin driver, PostgreSQL over SQL with a unique index on global_seq; every row's global_seq read.
   * Engines in turn, medians of {@link #CATCH_UP_RUNS} after one untimed.
   */
  private static void catchUp(ServerProcess server, Connection annals, Connection pg, long events) throws Exception {
    String sql = "SELECT * FROM events WHERE global_seq > ? ORDER BY global_seq LIMIT " + CATCH_UP_PAGE;
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.port() + "/events?limit=" + CATCH_UP_PAGE + "&wait=0&from=";
    double[][] rates = new double[3][CATCH_UP_RUNS];
    for (int run = -1; run < CATCH_UP_RUNS; run++) {
      long started = System.nanoTime();
      long read = 0;
      long from = 0;
      while (true) {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + from)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        long lines = 0;
        for (byte b : r.body()) {
          lines += b == '\n' ? 1 : 0;
        }
        if (r.statusCode() != 200 || lines == 0) {
          break;
        }
        read += lines;
        from = Long.parseLong(r.headers().firstValue("Annals-Next-From").orElseThrow());
      }
      check(read, events, "HTTP");
      record(rates[0], run, read, started);
      started = System.nanoTime();
      record(rates[1], run, pageThrough(annals, sql, events), started);
      if (pg != null) {
        started = System.nanoTime();
        record(rates[2], run, pageThrough(pg, sql, events), started);
      }
    }
    double pgRate = pg == null ? Double.NaN : median(rates[2]);
    String[] ways = {"HTTP subscription (NDJSON)", "SQL, global_seq > ?"};
    for (int w = 0; w < ways.length; w++) {
      double rate = median(rates[w]);
      System.out.printf(Locale.ROOT, "catch-up from 0, pages of %,d, Annals %-26s %,10.0f events/s   PostgreSQL"
          + " (SQL) %,10.0f events/s   Annals/PostgreSQL %.3f   (medians of %d)%n", CATCH_UP_PAGE, ways[w], rate,
          pgRate, rate / pgRate, CATCH_UP_RUNS);
    }
  }

  /** Reads every event page after page with the statement; returns how many came. */
  private static long pageThrough(Connection c, String sql, long events) throws Exception {
    long read = 0;
    long last = -1;
    try (PreparedStatement p = c.prepareStatement(sql)) {
      while (true) {
        p.setLong(1, last);
        long before = read;
        try (ResultSet rs = p.executeQuery()) {
          int column = rs.findColumn("global_seq");
          while (rs.next()) {
            last = rs.getLong(column);
            read++;
          }
        }
        if (read == before) {
          break;
        }
      }
    }
    check(read, events, "SQL");
    return read;
  }

  private static void check(long read, long events, String how) {
    if (read != events) {
      throw new IllegalStateException("the catch-up over " + how + " read " + read + " of " + events + " events");
    }
  }

  /** Notes a timed run's rate; run -1 is the untimed one. */
  private static void record(double[] rates, int run, long events, long started) {
    double seconds = (System.nanoTime() - started) / 1e9;
    if (run >= 0) {
      rates[run] = events / seconds;
    }
  }

  /**
   * Rows per second for {@code SELECT * FROM events} read in full (every column of every row with
   * getObject), the engines in turn: Annals over protobuf (frames in columns, the driver's default,
   * and in Avatica's rows) and over JSON, DuckDB, PostgreSQL.
   * Each engine reads it untimed first ({@link #SCAN_WARMUP}: the server's JIT compiles the frame
   * path in the first runs, which read at a third of the steady speed), then the medians of the
   * timed runs; fewer of both on histories over 2 M events, where one read takes half a minute.
   */
  private static void selectAll(ThinDriver driver, ServerProcess server, Connection duck, Connection pg, long events)
      throws Exception {
    boolean large = events > 2_000_000;
    int warmup = large ? 1 : SCAN_WARMUP;
    int runs = large ? 3 : RUNS;
    try (Connection protobuf = driver.connect(server.jdbcUrl() + "?serialization=protobuf");
         Connection rows = driver.connect(server.jdbcUrl() + "?serialization=protobuf", avaticaRows());
         Connection json = driver.connect(server.jdbcUrl() + "?serialization=json")) {
      List<Connection> engines = new ArrayList<>(List.of(protobuf, rows, json, duck));
      List<String> sql = new ArrayList<>(List.of("SELECT * FROM events", "SELECT * FROM events",
          "SELECT * FROM events", "SELECT * EXCLUDE (date) FROM t"));
      if (pg != null) {
        engines.add(pg);
        sql.add("SELECT * FROM events");
      }
      double[][] rates = new double[engines.size()][runs];
      for (int round = 0; round < warmup + runs; round++) {
        for (int e = 0; e < engines.size(); e++) {
          double rate = rowsPerSecond(engines.get(e), sql.get(e));
          if (round >= warmup) {
            rates[e][round - warmup] = rate;
          }
        }
      }
      double duckRate = median(rates[3]);
      double pgRate = pg == null ? Double.NaN : median(rates[4]);
      for (int e = 0; e < ANNALS_CLIENTS.length; e++) {
        double rate = median(rates[e]);
        // Rows per second, so unlike the times above, a ratio above 1 means Annals is faster.
        System.out.printf(Locale.ROOT, "SELECT * FROM events, %-24s  Annals %,10.0f rows/s   DuckDB %,10.0f"
            + "   rows/s Annals/DuckDB %.3f%s   (medians of %d after %d untimed)%n", ANNALS_CLIENTS[e], rate, duckRate,
            rate / duckRate, pg == null ? "" : String.format(Locale.ROOT,
                "   PostgreSQL %,10.0f   rows/s Annals/PostgreSQL %.3f", pgRate, rate / pgRate), runs, warmup);
      }
    }
  }

  /** Connection properties that ask the server for frames in Avatica's rows instead of columns. */
  private static Properties avaticaRows() {
    Properties p = new Properties();
    p.setProperty("frames", "rows");
    return p;
  }

  /**
   * Bytes on the wire per row of {@code SELECT * FROM events}, counted by a relay in front of
   * each server (HTTP and PostgreSQL's protocol included): Annals's three forms and PostgreSQL's.
   */
  private static void wireBytes(ThinDriver driver, ServerProcess server, PostgresServer postgres) throws Exception {
    try (CountingProxy annals = CountingProxy.start(server.port())) {
      String url = "jdbc:annals://127.0.0.1:" + annals.port();
      String[] urls = {url, url, url + "?serialization=json"};
      for (int e = 0; e < ANNALS_CLIENTS.length; e++) {
        try (Connection c = driver.connect(urls[e], e == 1 ? avaticaRows() : new Properties())) {
          annals.takeBytesFromServer();
          long rows = readAll(c, "SELECT * FROM events");
          System.out.printf(Locale.ROOT, "SELECT * FROM events, %-24s  %,6.1f bytes per row on the wire%n",
              ANNALS_CLIENTS[e], (double) annals.takeBytesFromServer() / rows);
        }
      }
    }
    if (postgres != null) {
      try (CountingProxy relay = CountingProxy.start(postgres.port());
           Connection c = postgres.connect(relay.port())) {
        relay.takeBytesFromServer();
        long rows = readAll(c, "SELECT * FROM events");
        System.out.printf(Locale.ROOT, "SELECT * FROM events, %-24s  %,6.1f bytes per row on the wire%n",
            "PostgreSQL", (double) relay.takeBytesFromServer() / rows);
      }
    }
  }

  /**
   * PostgreSQL with the same rows (exported by DuckDB from the files), or null when it is not
   * installed (loading 10.7 M events takes a few minutes).
   */
  private static PostgresServer startPostgres(Connection duck, Path dir) throws Exception {
    Path bin = PostgresServer.binaries();
    if (bin == null) {
      System.out.println("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): its column is left out");
      return null;
    }
    long start = System.nanoTime();
    Path csv = Files.createTempFile("annals-bench-", ".csv");
    try {
      try (Statement s = duck.createStatement()) {
        s.execute("COPY (SELECT stream_name, seq, global_seq, entity_id, version, event_id, event_type,"
            + " recorded_at, payload, metadata FROM t) TO '" + csv.toString().replace("'", "''")
            + "' (FORMAT csv, HEADER false)");
      }
      PostgresServer postgres = PostgresServer.start(bin);
      try (Connection c = postgres.connect()) {
        postgres.load(c, csv);
      } catch (Exception e) {
        postgres.close();
        throw e;
      }
      System.out.printf(Locale.ROOT, "PostgreSQL %s loaded with the same rows and an index on (stream_name,"
          + " entity_id, version) and a unique one on global_seq in %.1f s%n", bin.getParent().getFileName(), (System.nanoTime() - start) / 1e9);
      return postgres;
    } finally {
      Files.deleteIfExists(csv);
    }
  }

  /**
   * Each query on each engine in turn (Annals, DuckDB, PostgreSQL, Annals, ...), so that the
   * machine's drift falls on all alike: medians and ratios. First every query runs
   * {@link #WARMUP_ROUNDS} times on every engine, as a server that has been up for a while has
   * seen them: with one warm-up run each, the first query that decoded column chunks ran in the
   * server's interpreter and was timed at three to four times its steady speed.
   */
  private static void compare(Connection annals, Connection duck, Connection pg) throws Exception {
    for (int round = 0; round < WARMUP_ROUNDS; round++) {
      for (Query q : QUERIES) {
        timeQuery(annals, q.annals());
        timeQuery(duck, q.duck());
        if (pg != null) {
          timeQuery(pg, q.postgres());
        }
      }
    }
    System.out.printf(Locale.ROOT, "%-34s %10s %10s %12s %14s %18s%n", "query (medians of " + RUNS + ")",
        "Annals ms", "DuckDB ms", "PostgreSQL ms", "Annals/DuckDB", "Annals/PostgreSQL");
    for (Query q : QUERIES) {
      double[] a = new double[RUNS];
      double[] d = new double[RUNS];
      double[] p = new double[RUNS];
      timeQuery(annals, q.annals());
      timeQuery(duck, q.duck());
      if (pg != null) {
        timeQuery(pg, q.postgres());
      }
      for (int run = 0; run < RUNS; run++) {
        a[run] = timeQuery(annals, q.annals());
        d[run] = timeQuery(duck, q.duck());
        p[run] = pg == null ? Double.NaN : timeQuery(pg, q.postgres());
      }
      print(q.name(), median(a), median(d), median(p), "%10.1f");
    }
  }

  /** One row of figures; PostgreSQL's are a dash where it was left out (NaN). */
  private static void print(String name, double annals, double duck, double pg, String format) {
    boolean noPg = Double.isNaN(pg);
    System.out.printf(Locale.ROOT, "%-34s " + format + " " + format + "   %10s %14.3f %18s%n", name, annals,
        duck, noPg ? "-" : String.format(Locale.ROOT, format, pg), annals / duck,
        noPg ? "-" : String.format(Locale.ROOT, "%.3f", annals / pg));
  }

  /** Fills an empty folder with the shop history, flushed; a folder with events is left as it is. */
  private static void fill(Path dir, long target) throws Exception {
    Files.createDirectories(dir);
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        return;
      }
    }
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build())) {
      long start = System.nanoTime();
      long events = new ShopHistoryGenerator(store, clock, target, ShopHistoryGenerator.SEED).run();
      store.flush();
      clock.release();
      System.out.printf(Locale.ROOT, "generated and flushed %,d events in %.1f s (%d files)%n", events,
          (System.nanoTime() - start) / 1e9, store.status().flushedFiles());
    }
  }

  /**
   * One order's history per lookup, prepared once, a different order each time (the same orders,
   * in the same order, on both sides), as an application rebuilding entities would ask.
   */
  private static void entityLookups(Connection annals, Connection duck, Connection pg) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Statement s = duck.createStatement();
         ResultSet rs = s.executeQuery("SELECT entity_id FROM (SELECT DISTINCT entity_id FROM t"
             + " WHERE stream_name = 'orders') ORDER BY hash(entity_id) LIMIT "
             + (LOOKUPS + LOOKUP_WARMUP))) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    String sql = "SELECT * FROM events WHERE stream_name = ? AND entity_id = ? ORDER BY version";
    String duckSql = "SELECT * EXCLUDE (date) FROM t WHERE stream_name = ? AND entity_id = ? ORDER BY version";
    try (PreparedStatement a = annals.prepareStatement(sql);
         PreparedStatement d = duck.prepareStatement(duckSql);
         PreparedStatement p = pg == null ? null : pg.prepareStatement(sql)) {
      // Each peer's lookups run as a series of their own, as an application's would; another
      // engine's worker threads and full-file reads between two lookups would only add noise.
      double[] at = lookups(a, ids);
      double[] dt = lookups(d, ids);
      double[] pt = p == null ? null : lookups(p, ids);
      for (int percentile : new int[] {50, 99}) {
        int i = at.length * percentile / 100;
        print("entity history p" + percentile + " (" + at.length + ")", at[i], dt[i], pt == null ? Double.NaN : pt[i],
            "%10.2f");
      }
    }
  }

  /**
   * The latencies of the timed lookups (the last {@link #LOOKUPS} ids), sorted, after
   * {@link #LOOKUP_WARMUP} lookups of the ids before them (of the timed ones again where a small
   * history has too few orders).
   */
  private static double[] lookups(PreparedStatement p, List<String> ids) throws Exception {
    int timed = Math.min(LOOKUPS, ids.size());
    List<String> warm = ids.size() > timed ? ids.subList(0, ids.size() - timed) : ids;
    for (int i = 0; i < LOOKUP_WARMUP; i++) {
      lookup(p, warm.get(i % warm.size()));
    }
    double[] times = new double[timed];
    for (int i = 0; i < timed; i++) {
      times[i] = lookup(p, ids.get(ids.size() - timed + i));
    }
    Arrays.sort(times);
    return times;
  }

  private static double lookup(PreparedStatement p, String entityId) throws Exception {
    long start = System.nanoTime();
    p.setString(1, "orders");
    p.setString(2, entityId);
    int rows = 0;
    try (ResultSet rs = p.executeQuery()) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          rs.getObject(i);
        }
        rows++;
      }
    }
    if (rows == 0) {
      throw new IllegalStateException("entity " + entityId + " has no events");
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static double timeQuery(Connection c, String sql) throws Exception {
    long start = System.nanoTime();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          rs.getObject(i);
        }
      }
    }
    return (System.nanoTime() - start) / 1e6;
  }

  /** One read of every column of every row, as a client would. */
  private static double rowsPerSecond(Connection c, String sql) throws Exception {
    long start = System.nanoTime();
    long rows = readAll(c, sql);
    return rows / ((System.nanoTime() - start) / 1e9);
  }

  /** Every column of every row read with getObject; the rows read. */
  private static long readAll(Connection c, String sql) throws Exception {
    long rows = 0;
    try (Statement s = c.createStatement()) {
      s.setFetchSize(10_000);
      try (ResultSet rs = s.executeQuery(sql)) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= columns; i++) {
            rs.getObject(i);
          }
          rows++;
        }
      }
    }
    return rows;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
