package org.annals.examples;

import java.nio.file.Path;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.server.ServerLimits;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;

/**
 * A store holding the shop history, some of it flushed to Parquet files and some still in the
 * memtable, and an Annals server over it on a free local port: what the tests that go through the
 * wire run against. Closing it closes both.
 */
final class ShopServer implements AutoCloseable {
  final EventStore store;
  final AnnalsServer server;

  private ShopServer(EventStore store, AnnalsServer server) {
    this.store = store;
    this.server = server;
  }

  /**
   * @param flushed the generator's count for a history flushed to files (0 for none)
   * @param unflushed the count for a second history left in the memtable (0 for none)
   * @param rowsPerFrame the server's frame size; small ones make every result span many frames
   */
  static ShopServer start(Path dir, int flushed, int unflushed, int rowsPerFrame) throws Exception {
    return start(dir, flushed, unflushed, ServerConfig.defaults("127.0.0.1", 0).withLimits(ServerLimits.defaults().withRowsPerFrame(rowsPerFrame)));
  }

  /** As above, with the server's configuration given whole. */
  static ShopServer start(Path dir, int flushed, int unflushed, ServerConfig config) throws Exception {
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false).build());
    long seed = ShopHistoryGenerator.SEED;
    if (flushed > 0) {
      new ShopHistoryGenerator(store, clock, flushed, seed++).run();
      store.flush();
    }
    if (unflushed > 0) {
      new ShopHistoryGenerator(store, clock, unflushed, seed).run();
    }
    clock.release();
    return new ShopServer(store, AnnalsServer.start(store, config));
  }

  String jdbcUrl() {
    return server.jdbcUrl();
  }

  @Override
  public void close() throws Exception {
    try (store) {
      server.close();
    }
  }
}
