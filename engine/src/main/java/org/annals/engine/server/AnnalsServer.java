package org.annals.engine.server;

import java.io.IOException;
import org.annals.engine.jdbc.EmbeddedDriver;
import org.annals.engine.jdbc.StoreRegistry;
import org.annals.storage.EventStore;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.Service;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one store on one port: the Avatica JDBC endpoint (protobuf, or JSON) and the HTTP append
 * API. The server owns the store from {@link #start} to {@link #close}, which stops serving and
 * then closes (and so flushes) the store.
 */
public final class AnnalsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnnalsServer.class);

  private final Server jetty;
  private final AnnalsMeta meta;
  private final EventStore store;
  private final ServerConfig config;

  private AnnalsServer(Server jetty, AnnalsMeta meta, EventStore store, ServerConfig config) {
    this.jetty = jetty;
    this.meta = meta;
    this.store = store;
    this.config = config;
  }

  /** Starts serving an open store; on failure the store is left open for the caller. */
  public static AnnalsServer start(EventStore store, ServerConfig config) throws IOException {
    StoreRegistry.register(store);
    Server jetty = new Server();
    AnnalsMeta meta;
    try {
      meta = new AnnalsMeta(EmbeddedDriver.PREFIX + store.options().dataFolder(), config);
      Service protobuf = new LocalService(meta.guarded(AnnalsMeta.Wire.PROTOBUF));
      Service json = new LocalService(meta.guarded(AnnalsMeta.Wire.JSON));
      HttpConfiguration http = new HttpConfiguration();
      // No "Server: Jetty(version)" header: a version tells an attacker which flaws to try.
      http.setSendServerVersion(false);
      // A request thread blocks on its client's body and reply; a client that sends or reads
      // slower than this is cut off (408), so that a few hundred trickling connections cannot
      // hold every thread. Jetty's idle timeout alone never fires on a byte every few seconds.
      http.setMinRequestDataRate(ServerConfig.MIN_BYTES_PER_SECOND);
      http.setMinResponseDataRate(ServerConfig.MIN_BYTES_PER_SECOND);
      ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
      connector.setHost(config.host());
      connector.setPort(config.port());
      jetty.addConnector(connector);
      jetty.setHandler(new RoutingHandler(new AppendHandler(store, config.maxRequestBytes()), new CancelHandler(meta),
          new BrowserGuard(config.host()), protobuf, json, config.maxRequestBytes()));
      jetty.setErrorHandler(new JsonErrorPages());
      jetty.start();
    } catch (Exception e) {
      stopQuietly(jetty);
      StoreRegistry.forget(store);
      throw new IOException("cannot serve on " + config.host() + ":" + config.port() + ": "
          + e.getMessage(), e);
    }
    AnnalsServer server = new AnnalsServer(jetty, meta, store, config);
    LOG.info("serving {} on {}", store.options().dataFolder(), server.url());
    return server;
  }

  public int port() {
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  /** The thin driver's URL for this server. */
  public String jdbcUrl() {
    return "jdbc:annals://" + config.host() + ":" + port();
  }

  public String url() {
    return "http://" + config.host() + ":" + port();
  }

  public EventStore store() {
    return store;
  }

  /**
   * Stops serving, cancelling every running statement, closes every client connection (each
   * holds the store), then closes the store, which flushes it.
   */
  @Override
  public void close() throws IOException {
    // A running statement would hold its request thread, and so the stop, until it ended.
    meta.cancelAll();
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IOException("stopping the server failed: " + e.getMessage(), e);
    } finally {
      meta.closeAllConnections();
      StoreRegistry.release(store.options().dataFolder());
    }
  }

  private static void stopQuietly(Server jetty) {
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("stopping a server that failed to start: {}", e.getMessage());
    }
  }
}
