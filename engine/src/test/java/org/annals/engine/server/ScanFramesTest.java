package org.annals.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.engine.jdbc.EmbeddedDriver;
import org.annals.engine.jdbc.StoreRegistry;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames written straight from a scan's batches hold the very values JDBC's way gives: every
 * query here runs on a connection with pushdown (whose bare scans get {@link ScanFrames}) and on
 * one without (whose rows all go through Calcite and JDBC), through the server's service, and the
 * rows must be equal as a protobuf client reads them and as the JSON handler iterates them. Rows
 * come from Parquet files and from the memtable, with nulls and text beyond ASCII.
 */
class ScanFramesTest {
  private static final int FRAME = 37;

  @TempDir static Path dir;
  private static EventStore store;
  private static Service service;
  private static Service jsonService;
  private static AnnalsMeta meta;

  /** The Meta is called in process, as the server's request threads call it, for an anonymous client. */
  private static RequestUser.Scope anonymous;

  @BeforeAll
  static void start() throws Exception {
    anonymous = RequestUser.enter(RequestUser.ANONYMOUS);
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build());
    new ShopHistoryGenerator(store, clock, 2_000, ShopHistoryGenerator.SEED).run();
    store.flush();
    clock.release();
    StoreRegistry.register(store);
    meta = new AnnalsMeta(EmbeddedDriver.PREFIX + dir,
        ServerConfig.defaults("127.0.0.1", 0).withLimits(ServerLimits.defaults().withRowsPerFrame(FRAME).withQueryTimeoutSeconds(0)),
        new ServerMetrics(store));
    service = new LocalService(meta.guarded(AnnalsMeta.Wire.PROTOBUF));
    jsonService = new LocalService(meta.guarded(AnnalsMeta.Wire.JSON));
    String c = open(Map.of());
    // Rows still in the memtable: null metadata, an empty and a non-ASCII payload field (as
    // parameters: Calcite reads SQL literals as ISO-8859-1).
    for (String text : List.of("crème brûlée ✓ 😀", "")) {
      execute(c, "INSERT INTO events (stream_name, entity_id, event_type, payload) VALUES ('notes', ?, 'Noted', ?)",
          List.of(TypedValue.create(ColumnMetaData.Rep.STRING.name(), "n-" + text.length()),
              TypedValue.create(ColumnMetaData.Rep.STRING.name(), "{\"text\":\"" + text + "\"}")));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    anonymous.close();
    meta.closeAllConnections();
    StoreRegistry.release(store.options().dataFolder());
  }

  private static String open(Map<String, String> info) {
    return open(service, info);
  }

  private static String open(Service through, Map<String, String> info) {
    String id = UUID.randomUUID().toString();
    through.apply(new Service.OpenConnectionRequest(id, info));
    return id;
  }

  /** Every frame of a query's result, the first one included. */
  private static List<Meta.Frame> execute(String connection, String sql, List<TypedValue> parameters) {
    return execute(service, connection, sql, parameters);
  }

  private static List<Meta.Frame> execute(Service service, String connection, String sql,
      List<TypedValue> parameters) {
    int statement = service.apply(new Service.CreateStatementRequest(connection)).statementId;
    Meta.Frame first;
    if (parameters.isEmpty()) {
      first = service.apply(new Service.PrepareAndExecuteRequest(connection, statement, sql, -1, FRAME))
          .results.get(0).firstFrame;
    } else {
      Meta.StatementHandle h = service.apply(new Service.PrepareRequest(connection, sql, -1)).statement;
      statement = h.id;
      first = service.apply(new Service.ExecuteRequest(h, parameters, FRAME)).results.get(0).firstFrame;
    }
    List<Meta.Frame> frames = new ArrayList<>();
    for (Meta.Frame frame = first; frame != null; ) {
      frames.add(frame);
      if (frame.done) {
        break;
      }
      long offset = frame.offset + count(frame);
      frame = service.apply(new Service.FetchRequest(connection, statement, offset, FRAME)).frame;
    }
    service.apply(new Service.CloseStatementRequest(connection, statement));
    return frames;
  }

  /** The rows in a frame, whichever form they take. */
  static int count(Meta.Frame frame) {
    int n = 0;
    for (Object ignored : frame.rows) {
      n++;
    }
    return n;
  }

  /** The rows as a protobuf client reads them off the wire. */
  private static List<List<Object>> overProtobuf(List<Meta.Frame> frames) throws Exception {
    ScalarFrameTranslation server = new ScalarFrameTranslation();
    ProtobufTranslationImpl client = new ProtobufTranslationImpl();
    List<List<Object>> rows = new ArrayList<>();
    for (Meta.Frame frame : frames) {
      byte[] wire = server.serializeResponse(new Service.FetchResponse(frame, false, false, null));
      for (Object row : ((Service.FetchResponse) client.parseResponse(wire)).frame.rows) {
        rows.add(new ArrayList<>((List<?>) row));
      }
    }
    return rows;
  }

  /** The rows as the JSON handler iterates them. */
  private static List<List<Object>> iterated(List<Meta.Frame> frames) {
    List<List<Object>> rows = new ArrayList<>();
    for (Meta.Frame frame : frames) {
      for (Object row : frame.rows) {
        rows.add(row instanceof Object[] cells ? Arrays.asList(cells) : new ArrayList<>((List<?>) row));
      }
    }
    return rows;
  }

  private static boolean fromScan(List<Meta.Frame> frames) {
    return frames.stream().anyMatch(f -> f.rows instanceof EncodedRows);
  }

  /**
   * Runs {@code where} as given and with a filter that keeps every row but that Calcite computes
   * itself ({@code CHAR_LENGTH(event_type) >= 0}), so that an operator sits above the scan and
   * every value goes the JDBC way: the rows must be the same, in the same order.
   */
  private static List<List<Object>> assertSameRows(String select, String where, List<TypedValue> parameters,
      boolean bareScan) throws Exception {
    String sql = select + (where.isEmpty() ? "" : " WHERE " + where);
    String viaJdbc = select + " WHERE " + (where.isEmpty() ? "" : where + " AND ") + "CHAR_LENGTH(event_type) >= 0";
    String c = open(Map.of());
    List<Meta.Frame> direct = execute(c, sql, parameters);
    List<Meta.Frame> plain = execute(c, viaJdbc, parameters);
    assertEquals(bareScan, fromScan(direct), sql);
    assertFalse(fromScan(plain), viaJdbc);
    List<List<Object>> expected = overProtobuf(plain);
    assertTrue(expected.size() > 3 * FRAME, sql + ": only " + expected.size() + " rows");
    assertRowsEqual(expected, overProtobuf(direct), sql);
    assertRowsEqual(iterated(plain), iterated(direct), sql);
    return overProtobuf(direct);
  }

  /** Equal lists of rows; a failure names the first row that differs rather than printing all. */
  private static void assertRowsEqual(List<List<Object>> expected, List<List<Object>> actual, String sql) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), sql + ": row " + i);
    }
    assertEquals(expected.size(), actual.size(), sql + ": rows");
  }

  @Test
  void bareScansAreWrittenFromTheirBatchesWithJdbcsValues() throws Exception {
    List<List<Object>> all = assertSameRows("SELECT * FROM events", "", List.of(), true);
    assertTrue(all.stream().anyMatch(row -> row.get(8).equals("{\"text\":\"crème brûlée ✓ 😀\"}") && row.get(9) == null),
        "the memtable's rows are among them");
    List<Meta.Frame> json = execute(jsonService, open(jsonService, Map.of()), "SELECT * FROM events", List.of());
    assertFalse(fromScan(json), "a JSON client's frames are objects");
    assertRowsEqual(all, overProtobuf(json), "SELECT * FROM events over JSON");
    assertSameRows("SELECT global_seq, recorded_at, metadata, event_type FROM events", "stream_name = 'orders'",
        List.of(), true);
    assertSameRows("SELECT * FROM events", "stream_name = ? AND recorded_at >= TIMESTAMP '2026-10-01 00:00:00'",
        List.of(TypedValue.create(ColumnMetaData.Rep.STRING.name(), "payments")), true);
  }

  @Test
  void resultsComputedAboveTheScanKeepJdbcsFrames() throws Exception {
    assertSameRows("SELECT * FROM events", "JSON_VALUE(payload, '$.currency') = 'EUR'", List.of(), false);
    assertSameRows("SELECT event_type, UPPER(stream_name) FROM events", "", List.of(), false);
  }

  /**
   * A scan's batches are freed when its result ends or its statement closes part-way, a frame
   * being built ahead or not, on both wires and both paths: the store's Arrow memory returns to
   * what the memtable holds.
   */
  @Test
  void aScansMemoryIsFreedWhenItsResultEndsOrItsStatementCloses() throws Exception {
    long memtable = store.status().arrowBytes();
    execute(open(Map.of()), "SELECT * FROM events", List.of());
    assertEquals(memtable, store.status().arrowBytes(), "after a bare scan read to its end");
    execute(jsonService, open(jsonService, Map.of()), "SELECT * FROM events", List.of());
    assertEquals(memtable, store.status().arrowBytes(), "after a JSON client read it to its end");
    for (String sql : List.of("SELECT * FROM events", "SELECT * FROM events WHERE CHAR_LENGTH(event_type) >= 0")) {
      String c = open(Map.of());
      int statement = service.apply(new Service.CreateStatementRequest(c)).statementId;
      Meta.Frame first = service.apply(new Service.PrepareAndExecuteRequest(c, statement, sql, -1, FRAME))
          .results.get(0).firstFrame;
      Meta.Frame second = service.apply(new Service.FetchRequest(c, statement, count(first), FRAME)).frame;
      assertFalse(second.done, sql);
      assertTrue(store.status().arrowBytes() > memtable, sql + ": an open scan holds batches");
      service.apply(new Service.CloseStatementRequest(c, statement));
      assertEquals(memtable, store.status().arrowBytes(), sql + ": after its statement closed part-way");
    }
  }
}
