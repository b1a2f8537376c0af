package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.examples.bench.ServerProcess;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code annals serve} on a machine whose zone is not UTC returns every {@code recorded_at} as
 * stored, in every frame of a result, whichever way the server writes the frames: a bare scan's
 * come from its batches, a result with a filter Calcite computes goes through JDBC (whose later
 * frames Avatica writes in the server JVM's zone, the first in UTC).
 */
class ServerTimeZoneTest {
  @TempDir Path dir;

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      s.setFetchSize(100);
      try (ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          rows.add(rs.getLong(1) + " " + rs.getTimestamp(2).getTime() + " " + rs.getString(2));
        }
      }
    }
    return rows;
  }

  @Test
  void recordedAtIsTheSameInEveryFrameOnAServerOutsideUtc() throws Exception {
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build())) {
      new ShopHistoryGenerator(store, clock, 1_200, ShopHistoryGenerator.SEED).run();
      store.flush();
      clock.release();
    }
    ThinDriver driver = ThinDriver.load();
    try (ServerProcess server = ServerProcess.start(dir, driver, List.of("-Duser.timezone=America/New_York"));
         Connection c = driver.connect(server.jdbcUrl())) {
      List<String> scan = rows(c, "SELECT global_seq, recorded_at FROM events");
      List<String> jdbc = rows(c, "SELECT global_seq, recorded_at FROM events WHERE CHAR_LENGTH(event_type) >= 0");
      assertTrue(scan.size() > 1_000, scan.size() + " rows");
      assertEquals(scan, jdbc);
    }
  }
}
