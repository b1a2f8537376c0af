package org.annals.engine.server;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.annals.engine.jdbc.EmbeddedDriver;
import org.annals.storage.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the statement shapes clients send most, once, in process, as the server starts. A
 * restarted server otherwise spent about 1.5 s of its first query and 0.3 s of its
 * first connection loading and compiling Calcite's planner, its generated code and the scan
 * paths, so a BI tool's first question after any restart waited seconds that the next one did
 * not. Each statement reads only the newest events, so the warm-up costs the same on any store.
 */
final class QueryWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(QueryWarmup.class);
  /** Events each statement reads: enough to run every scan path, few enough to cost nothing. */
  private static final long NEWEST = 1_000;

  private QueryWarmup() {}

  /**
   * Never fails: a statement that fails here fails for the client too, with its own error.
   *
   * @param stopping asked before each statement: a server stopping does not wait for the rest
   */
  static void run(EventStore store, BooleanSupplier stopping) {
    long started = System.nanoTime();
    long from = Math.max(0, store.eventCount() - NEWEST);
    List<String> streams = store.streams();
    String stream = streams.isEmpty() ? "warmup" : streams.get(0);
    String newest = " FROM events WHERE global_seq >= " + from;
    List<String> statements = List.of(
        "SELECT COUNT(*)" + newest,
        "SELECT event_type, COUNT(*) AS n" + newest + " GROUP BY event_type ORDER BY n DESC",
        "SELECT FLOOR(recorded_at TO HOUR) AS h, COUNT(*) AS n" + newest + " GROUP BY FLOOR(recorded_at TO HOUR)",
        "SELECT *" + newest + " ORDER BY recorded_at DESC LIMIT 10",
        "SELECT SUM(CAST(JSON_VALUE(payload, '$.amount') AS DECIMAL(12, 2)))" + newest,
        "SELECT stream_name, entity_id, MAX(version) AS v" + newest + " GROUP BY stream_name, entity_id");
    try (Connection c = DriverManager.getConnection(EmbeddedDriver.PREFIX + store.options().dataFolder(),
        new Properties())) {
      for (String sql : statements) {
        if (stopping.getAsBoolean()) {
          return;
        }
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
          drain(r);
        }
      }
      // Bounded like the rest: an entity lookup over the whole memtable would index every
      // chunk's entity ids, seconds of work over a large unflushed log that a client's first
      // query would wait behind.
      try (PreparedStatement p = c.prepareStatement(
          "SELECT * FROM events WHERE stream_name = ? AND entity_id = ? AND global_seq >= ? ORDER BY version")) {
        p.setString(1, stream);
        p.setString(2, "warmup");
        p.setLong(3, from);
        try (ResultSet r = p.executeQuery()) {
          drain(r);
        }
      }
      DatabaseMetaData meta = c.getMetaData();
      try (ResultSet tables = meta.getTables(null, null, "%", null);
          ResultSet columns = meta.getColumns(null, null, "events", "%")) {
        drain(tables);
        drain(columns);
      }
      LOG.info("warmed the query paths in {} ms", (System.nanoTime() - started) / 1_000_000);
    } catch (SQLException | RuntimeException e) {
      LOG.warn("warming the query paths failed; the first queries will be slower: {}", e.toString());
    }
  }

  private static void drain(ResultSet r) throws SQLException {
    int columns = r.getMetaData().getColumnCount();
    while (r.next()) {
      for (int i = 1; i <= columns; i++) {
        r.getObject(i);
      }
    }
  }
}
