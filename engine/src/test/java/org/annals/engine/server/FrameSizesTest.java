package org.annals.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.annals.engine.jdbc.EmbeddedDriver;
import org.annals.engine.jdbc.StoreRegistry;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames are bounded by bytes as well as rows: a client that asks for 10,000 rows at a time of
 * a result whose rows grow from a few hundred bytes to 50 KB part-way gets them in frames of
 * about {@link ServerConfig#MAX_FRAME_BYTES}, every row once, both when the frames come from the
 * scan's batches and when they go the JDBC way.
 */
class FrameSizesTest {
  private static final int SMALL = 2_000;
  private static final int EVENTS = 300;
  private static final int PAYLOAD = 50_000;
  private static final int ASKED = 10_000;
  /**
   * What a frame may reach: it stops once over the limit, so it may hold one row more than fits,
   * and the JDBC way counts text by characters and framing by estimate (within 5% here).
   */
  private static final int LIMIT = ServerConfig.MAX_FRAME_BYTES * 21 / 20 + PAYLOAD;

  @TempDir static Path dir;
  private static EventStore store;
  private static AnnalsMeta meta;
  private static Service service;

  /** The Meta is called in process, as the server's request threads call it, for an anonymous client. */
  private static RequestUser.Scope anonymous;

  @BeforeAll
  static void start() throws Exception {
    anonymous = RequestUser.enter(RequestUser.ANONYMOUS);
    store = EventStore.open(StoreOptions.builder(dir).backgroundFlush(false).build());
    StoreRegistry.register(store);
    meta = new AnnalsMeta(EmbeddedDriver.PREFIX + dir,
        ServerConfig.defaults("127.0.0.1", 0).withLimits(ServerLimits.defaults().withRowsPerFrame(100).withQueryTimeoutSeconds(0)),
        new ServerMetrics(store));
    service = new LocalService(meta.guarded(AnnalsMeta.Wire.PROTOBUF));
    String c = open();
    Meta.StatementHandle insert = service.apply(new Service.PrepareRequest(c,
        "INSERT INTO events (stream_name, entity_id, event_type, payload) VALUES ('big', ?, 'Big', ?)", -1)).statement;
    for (int i = 0; i < SMALL; i++) {
      service.apply(new Service.ExecuteRequest(insert, List.of(
          TypedValue.create(ColumnMetaData.Rep.STRING.name(), "s-" + i),
          TypedValue.create(ColumnMetaData.Rep.STRING.name(), "{\"n\":" + i + "}")), ASKED));
    }
    for (int i = 0; i < EVENTS; i++) {
      String payload = "{\"n\":" + i + ",\"text\":\"" + "x".repeat(PAYLOAD) + "\"}";
      service.apply(new Service.ExecuteRequest(insert, List.of(
          TypedValue.create(ColumnMetaData.Rep.STRING.name(), "e-" + i),
          TypedValue.create(ColumnMetaData.Rep.STRING.name(), payload)), ASKED));
    }
    store.flush();
  }

  @AfterAll
  static void stop() throws Exception {
    anonymous.close();
    meta.closeAllConnections();
    StoreRegistry.release(store.options().dataFolder());
  }

  private static String open() {
    String id = UUID.randomUUID().toString();
    service.apply(new Service.OpenConnectionRequest(id, Map.of()));
    return id;
  }

  /** The frames after the first, asking for {@link #ASKED} rows each time; checks every row came once. */
  private static List<Meta.Frame> fetched(String sql) {
    String c = open();
    int statement = service.apply(new Service.CreateStatementRequest(c)).statementId;
    Meta.Frame frame = service.apply(new Service.PrepareAndExecuteRequest(c, statement, sql, -1, ASKED))
        .results.get(0).firstFrame;
    int rows = ScanFramesTest.count(frame);
    List<Meta.Frame> frames = new ArrayList<>();
    while (!frame.done) {
      frame = service.apply(new Service.FetchRequest(c, statement, rows, ASKED)).frame;
      frames.add(frame);
      rows += ScanFramesTest.count(frame);
    }
    assertEquals(SMALL + EVENTS, rows, sql);
    return frames;
  }

  private static void assertBounded(List<Meta.Frame> frames, String sql) throws Exception {
    assertTrue(frames.size() >= 3, sql + ": " + frames.size() + " frames");
    for (Meta.Frame frame : frames) {
      int bytes = FrameEncoder.bytes(frame).length;
      assertTrue(bytes <= LIMIT, sql + ": a frame of " + bytes + " bytes");
      assertTrue(ScanFramesTest.count(frame) < ASKED, sql);
    }
  }

  @Test
  void framesFromTheScanStopAtTheByteLimit() throws Exception {
    String sql = "SELECT * FROM events";
    List<Meta.Frame> frames = fetched(sql);
    assertTrue(frames.get(0).rows instanceof EncodedRows, "a bare scan's frames come from its batches");
    assertBounded(frames, sql);
  }

  @Test
  void framesTheJdbcWayStopAtTheByteLimit() throws Exception {
    String sql = "SELECT * FROM events WHERE CHAR_LENGTH(event_type) >= 0";
    List<Meta.Frame> frames = fetched(sql);
    assertTrue(!(frames.get(0).rows instanceof EncodedRows), "a filtered result goes the JDBC way");
    assertBounded(frames, sql);
  }

  @Test
  void firstFramesStopAtTheByteLimitToo() throws Exception {
    for (String sql : List.of("SELECT * FROM events WHERE entity_id LIKE 'e-%'",
        "SELECT * FROM events WHERE entity_id LIKE 'e-%' AND CHAR_LENGTH(event_type) >= 0")) {
      String c = open();
      int statement = service.apply(new Service.CreateStatementRequest(c)).statementId;
      Meta.Frame first = service.apply(new Service.PrepareAndExecuteRequest(c, statement, sql, -1, ASKED))
          .results.get(0).firstFrame;
      int bytes = FrameEncoder.bytes(first).length;
      assertTrue(bytes <= LIMIT, sql + ": a first frame of " + bytes + " bytes");
      assertTrue(ScanFramesTest.count(first) > 1, sql + ": " + ScanFramesTest.count(first) + " rows");
      service.apply(new Service.CloseStatementRequest(c, statement));
    }
  }
}
