package org.annals.engine.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.annals.engine.jdbc.EmbeddedDriver;
import org.annals.engine.jdbc.StoreRegistry;
import org.annals.engine.security.Role;
import org.annals.engine.security.UsersFile;
import org.annals.storage.EventStore;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one store on one port: the Avatica JDBC endpoint (protobuf, or JSON) and the HTTP append
 * API, over HTTP or HTTPS, open or behind users. Avatica's own server builds the Jetty server, its
 * TLS connector and its BASIC authentication; this class adds what Avatica leaves out (the bind
 * address, minimum data rates, JSON error pages, users read again when their file changes). The
 * server owns the store from {@link #start} to {@link #close}, which stops serving and then closes
 * (and so flushes) the store.
 */
public final class AnnalsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnnalsServer.class);

  private final HttpServer http;
  private final AnnalsMeta meta;
  private final EventStore store;
  private final ServerConfig config;
  private final int port;
  private final int users;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AnnalsServer(HttpServer http, AnnalsMeta meta, EventStore store, ServerConfig config, int users) {
    this.http = http;
    this.meta = meta;
    this.store = store;
    this.config = config;
    this.port = http.getPort();
    this.users = users;
  }

  /**
   * Starts serving an open store; on failure the store is left open for the caller. A server
   * bound to an address other machines reach needs users, unless it is told to allow anonymous
   * clients.
   */
  public static AnnalsServer start(EventStore store, ServerConfig config) throws IOException {
    ServerSecurity security = config.security();
    int users = security.usersFile() == null ? 0 : new UsersFile(security.usersFile()).read().size();
    if (users == 0 && !security.allowAnonymous() && !BrowserGuard.loopback(config.host())) {
      throw new IOException("refusing to serve " + config.host() + " without users: anyone who reaches it could read"
          + " and append. Add one with 'annals user add --data DIR NAME --role read,append' (users file "
          + (security.usersFile() == null ? "none given" : security.usersFile()) + "), or pass --allow-anonymous");
    }
    if (security.tls() && !Files.isReadable(security.tlsKeystore())) {
      throw new IOException("cannot read the TLS keystore " + security.tlsKeystore());
    }
    StoreRegistry.register(store);
    AnnalsMeta meta = null;
    HttpServer http = null;
    try {
      meta = new AnnalsMeta(EmbeddedDriver.PREFIX + store.options().dataFolder(), config);
      Service protobuf = new LocalService(meta.guarded(AnnalsMeta.Wire.PROTOBUF));
      Service json = new LocalService(meta.guarded(AnnalsMeta.Wire.JSON));
      RoutingHandler routing = new RoutingHandler(new AppendHandler(store, config.limits().maxRequestBytes()),
          new CancelHandler(meta), new BrowserGuard(config.host()), protobuf, json, config.limits());
      ServerCustomizer<Server> customizer = jetty -> customize(jetty, config.host());
      HttpServer.Builder<Server> builder = new HttpServer.Builder<Server>()
          .withPort(config.port())
          .withHandler(routing)
          .withServerCustomizers(List.of(customizer), Server.class);
      if (users > 0) {
        builder.withBasicAuthentication(security.usersFile().toAbsolutePath().toString(),
            Role.all().stream().map(Role::label).toArray(String[]::new));
      }
      if (security.tls()) {
        // The server asks clients for no certificate, so its own keystore serves as the trust store Avatica requires.
        Path keystore = security.tlsKeystore().toAbsolutePath();
        builder.withTLS(keystore.toFile(), security.tlsKeystorePassword(), keystore.toFile(),
            security.tlsKeystorePassword());
      }
      http = builder.build();
      http.start();
    } catch (Exception e) {
      if (http != null) {
        stopQuietly(http);
      }
      if (meta != null) {
        meta.closeAllConnections();
      }
      StoreRegistry.forget(store);
      Throwable cause = e.getCause() != null && e instanceof RuntimeException ? e.getCause() : e;
      throw new IOException("cannot serve on " + config.host() + ":" + config.port() + ": " + cause.getMessage(), e);
    }
    AnnalsServer server = new AnnalsServer(http, meta, store, config, users);
    LOG.info("serving {} on {} ({} users{})", store.options().dataFolder(), server.url(), users,
        security.tls() ? ", TLS" : "");
    return server;
  }

  /** What Avatica's builder has no option for. */
  private static void customize(Server jetty, String host) {
    for (Connector connector : jetty.getConnectors()) {
      ((ServerConnector) connector).setHost(host);
      SslConnectionFactory tls = connector.getConnectionFactory(SslConnectionFactory.class);
      if (tls != null) {
        PlainRequestsOnTls detector = new PlainRequestsOnTls(tls);
        ((ServerConnector) connector).addFirstConnectionFactory(detector);
        ((ServerConnector) connector).setDefaultProtocol(detector.getProtocol());
      }
      HttpConnectionFactory factory = connector.getConnectionFactory(HttpConnectionFactory.class);
      // A request thread blocks on its client's reply; a client that reads slower than this is
      // cut off, so that a few hundred slow readers cannot hold every thread. Jetty's idle timeout
      // alone never fires on a byte every few seconds. Bodies are held to the same rate as they
      // are read (RequestBodies).
      factory.getHttpConfiguration().setMinResponseDataRate(ServerConfig.MIN_BYTES_PER_SECOND);
      // No "Server: Jetty(version)" header: a version tells an attacker which flaws to try.
      factory.getHttpConfiguration().setSendServerVersion(false);
    }
    // Users added or removed while the server runs count within seconds, without a restart.
    HashLoginService users = jetty.getBean(HashLoginService.class);
    if (users != null) {
      users.setHotReload(true);
    }
    jetty.setErrorHandler(new JsonErrorPages());
  }

  public int port() {
    return port;
  }

  /** The thin driver's URL for this server. */
  public String jdbcUrl() {
    return "jdbc:annals://" + config.host() + ":" + port + (config.security().tls() ? "?ssl=true" : "");
  }

  public String url() {
    return (config.security().tls() ? "https" : "http") + "://" + config.host() + ":" + port;
  }

  /** How many users the server started with; 0 when anyone who reaches it may connect. */
  public int users() {
    return users;
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
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // A running statement would hold its request thread, and so the stop, until it ended.
    meta.cancelAll();
    try {
      http.stop();
    } catch (RuntimeException e) {
      throw new IOException("stopping the server failed: " + e.getMessage(), e);
    } finally {
      meta.closeAllConnections();
      StoreRegistry.release(store.options().dataFolder());
    }
  }

  private static void stopQuietly(HttpServer http) {
    try {
      http.stop();
    } catch (RuntimeException e) {
      LOG.warn("stopping a server that failed to start: {}", e.getMessage());
    }
  }
}
