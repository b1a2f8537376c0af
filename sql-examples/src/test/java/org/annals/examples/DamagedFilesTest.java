package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.annals.engine.cli.Main;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.annals.storage.event.EventColumn;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.parquet.LocalHadoop;
import org.annals.storage.scan.Snapshot;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged data files, made by flipping one byte of a flushed Parquet file on disk (same size, so
 * only a checksum can tell): every read of the damaged page is an error that names the file
 * relative to the data folder (SQLState XX001), never a wrong value; everything that does not
 * read the file is served as before; the file is listed as damaged in annals_system.files and by
 * {@code annals status}. A damaged page of a column the store reads on open (entity ids) leaves
 * the store open, with appends to that stream alone refused, since its versions are not known.
 */
class DamagedFilesTest {
  @TempDir Path dir;

  /** A store of the shop history, flushed, closed, with the path of a file of the given stream. */
  private DataFile flushedStore(String stream) throws Exception {
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build())) {
      new ShopHistoryGenerator(store, clock, 2_000, ShopHistoryGenerator.SEED).run();
      clock.release();
      store.flush();
      try (Snapshot snapshot = store.snapshot()) {
        return snapshot.manifest().files().stream().filter(f -> f.streamName().equals(stream)).findFirst().orElseThrow();
      }
    }
  }

  /** Flips one byte of a column's data in a file: at {@code fraction} of its chunk. */
  private void flip(DataFile file, EventColumn column, double fraction) throws Exception {
    Path path = dir.resolve(file.path());
    long at;
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(path.toUri()), LocalHadoop.configuration()))) {
      ColumnChunkMetaData chunk = reader.getFooter().getBlocks().get(0).getColumns().stream()
          .filter(c -> c.getPath().toDotString().equals(column.columnName())).findFirst().orElseThrow();
      at = chunk.getStartingPos() + (long) (chunk.getTotalSize() * fraction);
    }
    try (RandomAccessFile raw = new RandomAccessFile(path.toFile(), "rw")) {
      raw.seek(at);
      int b = raw.read();
      raw.seek(at);
      raw.write(b ^ 0x5a);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String damage(Connection c, String path) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT damage FROM annals_system.files WHERE path = ?")) {
      s.setString(1, path);
      try (ResultSet rs = s.executeQuery()) {
        assertTrue(rs.next());
        return rs.getString(1);
      }
    }
  }

  private static int append(AnnalsServer server, String stream) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/streams/" + stream + "/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("[{\"event_type\":\"Checked\",\"entity_id\":\"x-1\",\"payload\":{}}]"))
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aFlippedPayloadByteIsAnErrorNamingTheFileAndTheRestIsServed() throws Exception {
    DataFile damaged = flushedStore("payments");
    flip(damaged, EventColumn.PAYLOAD, 0.5);
    ThinDriver driver = ThinDriver.load();
    try (EventStore store = EventStore.open(dir);
        AnnalsServer server = AnnalsServer.start(store, ServerConfig.defaults("127.0.0.1", 0));
        Connection c = driver.connect(server.jdbcUrl())) {
      SQLException e = assertThrows(SQLException.class, () -> count(c,
          "SELECT COUNT(*) FROM payments WHERE JSON_VALUE(payload, '$.amount') IS NOT NULL"));
      assertEquals("XX001", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("the data file " + damaged.path() + " is damaged"), e.getMessage());
      assertTrue(e.getMessage().contains("checksum"), e.getMessage());
      assertFalse(e.getMessage().contains(dir.toAbsolutePath().toString()), "no absolute path: " + e.getMessage());

      assertTrue(count(c, "SELECT COUNT(*) FROM orders WHERE JSON_VALUE(payload, '$.total') IS NOT NULL") > 0,
          "another stream's files are read as before");
      assertTrue(count(c, "SELECT COUNT(*) FROM payments") > 0, "the file's other columns are read as before");
      assertEquals(count(c, "SELECT COUNT(*) FROM orders WHERE event_type = 'OrderPlaced'"),
          count(c, "SELECT COUNT(total) FROM types.orders_order_placed"),
          "another stream's typed tables are profiled and read as before");
      java.util.Set<String> listed = new java.util.HashSet<>();
      try (ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
        while (rs.next()) {
          listed.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
        }
      }
      assertTrue(listed.contains("annals.payments") && listed.contains("types.orders_order_placed"),
          "a BI tool's listing of every table still works: " + listed);
      String reason = damage(c, damaged.path());
      assertNotNull(reason);
      assertTrue(reason.contains("checksum"), reason);
      assertEquals(200, append(server, "payments"), "the stream's versions are known, so it takes appends");
    }
  }

  @Test
  void aFlippedEntityIdPageHeaderLeavesTheStoreOpenAndRefusesAppendsToThatStreamAlone() throws Exception {
    DataFile damaged = flushedStore("orders");
    flip(damaged, EventColumn.ENTITY_ID, 0.0);
    ThinDriver driver = ThinDriver.load();
    try (EventStore store = EventStore.open(dir);
        AnnalsServer server = AnnalsServer.start(store, ServerConfig.defaults("127.0.0.1", 0));
        Connection c = driver.connect(server.jdbcUrl())) {
      assertEquals(503, append(server, "orders"));
      assertEquals(200, append(server, "payments"));
      SQLException e = assertThrows(SQLException.class, () -> count(c, "SELECT COUNT(DISTINCT entity_id) FROM orders"));
      assertEquals("XX001", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains(damaged.path()), e.getMessage());
      assertTrue(count(c, "SELECT COUNT(DISTINCT entity_id) FROM payments") > 0);
      assertNotNull(damage(c, damaged.path()));
      SQLException insert = assertThrows(SQLException.class, () -> c.createStatement().executeUpdate(
          "INSERT INTO events (stream_name, event_type, entity_id, payload) VALUES ('orders', 'Checked', 'x', '{}')"));
      assertTrue(insert.getMessage().contains("stream 'orders' takes no appends: its data file " + damaged.path()),
          insert.getMessage());
    }
  }

  @Test
  void statusVerifyReadsEveryPageAndNamesTheDamagedFile() throws Exception {
    DataFile damaged = flushedStore("carts");
    PrintStream original = System.out;
    ByteArrayOutputStream before = new ByteArrayOutputStream();
    System.setOut(new PrintStream(before, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run("status", "--data", dir.toString(), "--verify"));
    } finally {
      System.setOut(original);
    }
    assertTrue(before.toString(StandardCharsets.UTF_8).contains("none damaged"), before.toString(StandardCharsets.UTF_8));

    flip(damaged, EventColumn.PAYLOAD, 0.5);
    ByteArrayOutputStream after = new ByteArrayOutputStream();
    System.setOut(new PrintStream(after, true, StandardCharsets.UTF_8));
    try {
      assertEquals(2, Main.run("status", "--data", dir.toString(), "--verify"));
    } finally {
      System.setOut(original);
    }
    String text = after.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("DAMAGED data files"), text);
    assertTrue(text.contains(damaged.path() + ": "), text);
  }
}
