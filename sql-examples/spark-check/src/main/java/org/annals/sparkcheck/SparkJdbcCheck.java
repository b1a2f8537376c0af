package org.annals.sparkcheck;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark's JDBC source ({@code spark.read.format("jdbc")}) against a running Annals server, with
 * the thin driver jar alone: it reads {@code events} whole, partitioned by {@code global_seq},
 * with a query, with a filter and a grouping Spark pushes into its SQL, and checks each count
 * against the one SQL gives through the same driver. Prints one line per check; exits 1 if any
 * count differs.
 */
public final class SparkJdbcCheck {
  private static final String DRIVER = "org.annals.jdbc.Driver";
  private static final String PLACED = "SELECT entity_id, JSON_VALUE(payload, '$.amount') AS amount FROM orders"
      + " WHERE event_type = 'OrderPlaced'";

  private final String url;
  private final SparkSession spark;
  private final List<String> failures = new ArrayList<>();

  private SparkJdbcCheck(String url, SparkSession spark) {
    this.url = url;
    this.spark = spark;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !Files.isRegularFile(Path.of(args[1]))) {
      System.err.println("usage: SparkJdbcCheck jdbc:annals://host:port path/to/annals-jdbc.jar (the jar must exist:"
          + " build it with mvn package)");
      System.exit(2);
    }
    // The driver jar is loaded as a BI tool or spark-submit --jars would: beside Spark, not in it.
    URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(args[1]).toUri().toURL()},
        SparkJdbcCheck.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
    Driver driver = (Driver) Class.forName(DRIVER, true, loader).getDeclaredConstructor().newInstance();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("annals-spark-check")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    SparkJdbcCheck check = new SparkJdbcCheck(args[0], spark);
    try (Connection sql = driver.connect(args[0], new Properties())) {
      check.run(sql);
    } finally {
      spark.stop();
    }
    if (!check.failures.isEmpty()) {
      System.out.println("FAILED: " + String.join("; ", check.failures));
      System.exit(1);
    }
    System.out.println("every count Spark read matches SQL's");
  }

  private void run(Connection sql) throws SQLException {
    long events = single(sql, "SELECT COUNT(*) FROM events");
    long minSeq = single(sql, "SELECT MIN(global_seq) FROM events");
    long maxSeq = single(sql, "SELECT MAX(global_seq) FROM events");

    Dataset<Row> whole = jdbc().option("dbtable", "events").load();
    same("events whole, count()", whole.count(), events);

    Dataset<Row> partitioned = jdbc().option("dbtable", "events").option("partitionColumn", "global_seq")
        .option("lowerBound", minSeq).option("upperBound", maxSeq + 1).option("numPartitions", 4).load();
    same("events in 4 partitions by global_seq, partitions", partitioned.rdd().getNumPartitions(), 4);
    same("events in 4 partitions by global_seq, count()", partitioned.count(), events);
    same("events in 4 partitions by global_seq, distinct event_id", partitioned.select("event_id").distinct().count(),
        events);

    Dataset<Row> placed = jdbc().option("query", PLACED).load();
    same("query option (orders placed), count()", placed.count(), single(sql, "SELECT COUNT(*) FROM (" + PLACED + ")"));

    same("filter pushed down (event_type = 'OrderPlaced'), count()",
        whole.filter("event_type = 'OrderPlaced'").count(),
        single(sql, "SELECT COUNT(*) FROM events WHERE event_type = 'OrderPlaced'"));

    Map<String, Long> sparkGroups = new TreeMap<>();
    for (Row row : whole.groupBy("event_type").count().collectAsList()) {
      sparkGroups.put(row.getString(0), row.getLong(1));
    }
    Map<String, Long> sqlGroups = new TreeMap<>();
    try (Statement s = sql.createStatement();
        ResultSet rs = s.executeQuery("SELECT event_type, COUNT(*) FROM events GROUP BY event_type")) {
      while (rs.next()) {
        sqlGroups.put(rs.getString(1), rs.getLong(2));
      }
    }
    same("groupBy(event_type).count(), " + sqlGroups.size() + " groups", sparkGroups, sqlGroups);

    Row latest = whole.orderBy(whole.col("global_seq").desc()).select("global_seq", "recorded_at").first();
    same("latest event's global_seq and time", latest.getLong(0) + " at " + latest.getTimestamp(1).toInstant(),
        maxSeq + " at " + instant(sql, "SELECT recorded_at FROM events WHERE global_seq = " + maxSeq));
  }

  private DataFrameReader jdbc() {
    return spark.read().format("jdbc").option("url", url).option("driver", DRIVER).option("fetchsize", 10_000);
  }

  private void same(String what, Object spark, Object sql) {
    boolean same = spark.equals(sql);
    System.out.println((same ? "OK   " : "DIFF ") + what + ": Spark " + spark + (same ? "" : ", SQL " + sql));
    if (!same) {
      failures.add(what);
    }
  }

  private static long single(Connection sql, String query) throws SQLException {
    try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Instant instant(Connection sql, String query) throws SQLException {
    try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getObject(1, Instant.class);
    }
  }
}
