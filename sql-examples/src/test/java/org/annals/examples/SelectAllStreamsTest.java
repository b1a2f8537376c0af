package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.examples.bench.ServerProcess;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SELECT * FROM events} streams: a server whose heap is far smaller than the rows it
 * returns sends every one of them, in frames, and answers again afterwards, even to a client that
 * asks for every row in one fetch. Held as Java objects, the 400,000 events here take several
 * times the server's 128 MiB.
 */
class SelectAllStreamsTest {
  private static final long EVENTS = 400_000;

  @TempDir Path dir;

  @Test
  void aServerWithASmallHeapReturnsEveryRowOfAStoreLargerThanItsHeap() throws Exception {
    long stored;
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build())) {
      stored = new ShopHistoryGenerator(store, clock, EVENTS, ShopHistoryGenerator.SEED).run();
      store.flush();
      clock.release();
    }
    ThinDriver driver = ThinDriver.load();
    try (ServerProcess server = ServerProcess.start(dir, driver, List.of("-Xmx128m", "-XX:+UseSerialGC"));
         Connection c = driver.connect(server.jdbcUrl())) {
      long rows = 0;
      try (Statement s = c.createStatement()) {
        s.setFetchSize(Integer.MAX_VALUE);
        try (ResultSet rs = s.executeQuery("SELECT * FROM events")) {
          while (rs.next()) {
            assertTrue(rs.getString("payload").startsWith("{"), "row " + rows);
            rows++;
          }
        }
      }
      assertEquals(stored, rows, () -> "the server's log ends with " + logTail(server));
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
        assertTrue(rs.next());
        assertEquals(stored, rs.getLong(1));
      }
    }
  }

  private static String logTail(ServerProcess server) {
    try {
      return String.join("\n", server.logTail());
    } catch (Exception e) {
      return "(unreadable: " + e + ")";
    }
  }
}
