package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.server.ServerLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that vanish leave nothing behind: hundreds of cursors part-read and never closed, their
 * connections never closed either (as when a client is killed), over protobuf in columns and in
 * rows and over JSON, hold Arrow memory (about a megabyte each, and on larger histories open
 * Parquet files) until the server's idle timeout (5 s here) closes their connections and
 * statements; then the Arrow memory is what it was before, and no more files are open. The server
 * runs in this JVM, so its open files are this process's. Thousands more, left to connections
 * their clients closed, give back theirs at once.
 */
class AbandonedCursorsTest {
  private static final int CURSORS = 450;
  private static final int CLOSED_WITH_CONNECTION = 2_000;

  @TempDir static Path dir;
  private static ShopServer shop;
  private static ThinDriver driver;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 3_000, 300,
        ServerConfig.defaults("127.0.0.1", 0).withLimits(ServerLimits.defaults().withRowsPerFrame(100).withIdleTimeoutSeconds(5)));
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  @Test
  void abandonedCursorsGiveBackTheirFilesAndMemoryAfterTheIdleTimeout() throws Exception {
    try (Connection c = driver.connect(shop.jdbcUrl())) {
      assertEquals(shop.store.eventCount(), readAll(c));
    }
    long files = openParquetFiles();
    long arrow = shop.store.status().arrowBytes();

    List<Connection> abandoned = new ArrayList<>();
    // The most memory held at once: on a loaded machine the first cursors may expire before the last open.
    long held = 0;
    for (int i = 0; i < CURSORS; i++) {
      String url = shop.jdbcUrl() + (i % 3 == 1 ? "?serialization=json" : "");
      java.util.Properties info = new java.util.Properties();
      if (i % 3 == 2) {
        info.setProperty("frames", "rows");
      }
      Connection c = driver.connect(url, info);
      Statement s = c.createStatement();
      s.setFetchSize(100);
      ResultSet rs = s.executeQuery("SELECT * FROM events");
      for (int row = 0; row < 250; row++) {
        assertTrue(rs.next());
      }
      abandoned.add(c);
      held = Math.max(held, shop.store.status().arrowBytes());
    }
    assertTrue(held > arrow + 30 * 100_000L, "the part-read cursors hold Arrow memory: " + held + " bytes against "
        + arrow);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((openParquetFiles() > files || shop.store.status().arrowBytes() > arrow) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertTrue(openParquetFiles() <= files, "Parquet files open after the idle timeout: " + openParquetFiles()
        + " against " + files + " before");
    assertEquals(arrow, shop.store.status().arrowBytes(), "Arrow bytes held after the idle timeout");

    // The expired connections are gone for their clients too, with a clear error, and new ones work.
    assertFalse(abandoned.get(0).isValid(5), "a connection the server closed is not valid");
    SQLException gone = assertThrows(SQLException.class, () -> readAll(abandoned.get(0)));
    assertEquals("08003", gone.getSQLState());
    assertTrue(gone.getMessage().contains("went unused longer than the server's idle timeout"), gone.getMessage());
    try (Connection c = driver.connect(shop.jdbcUrl())) {
      assertTrue(c.isValid(5));
      assertEquals(shop.store.eventCount(), readAll(c));
    }
    abandoned.get(0).close();
  }

  /**
   * What BI tools do all day: close the connection and leave its result sets to it. Two
   * thousand part-read cursors closed that way leave no file open and no Arrow memory held, at
   * once (this used to leak a Parquet file descriptor each, until the WAL writer hit the limit).
   */
  @Test
  void thousandsOfCursorsLeftToTheirClosedConnectionsHoldNothing() throws Exception {
    long files = openParquetFiles();
    long arrow = shop.store.status().arrowBytes();
    for (int i = 0; i < CLOSED_WITH_CONNECTION; i++) {
      Connection c = driver.connect(shop.jdbcUrl());
      Statement s = c.createStatement();
      s.setFetchSize(100);
      ResultSet rs = s.executeQuery(i % 2 == 0 ? "SELECT * FROM events" : "SELECT entity_id, payload FROM orders");
      assertTrue(rs.next());
      c.close();
    }
    assertTrue(openParquetFiles() <= files, "Parquet files open: " + openParquetFiles() + " against " + files);
    assertEquals(arrow, shop.store.status().arrowBytes(), "Arrow bytes held");
  }

  private static long readAll(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM events")) {
      long rows = 0;
      while (rs.next()) {
        rows++;
      }
      return rows;
    }
  }

  private static long openParquetFiles() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().endsWith(".parquet");
        } catch (IOException closedMeanwhile) {
          return false;
        }
      }).count();
    }
  }
}
