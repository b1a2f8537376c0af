package org.annals.engine.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
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
import org.annals.engine.security.UsersLoginService;
import org.eclipse.jetty.security.ConstraintSecurityHandler;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.StatisticsHandler;
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
  private final ServerMetrics metrics;
  private final SubscriptionHandler subscriptions;
  private final EventStore store;
  private final ServerConfig config;
  private final int port;
  private final boolean logins;
  private final int users;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread warmup;
  /**
   * How long a stop waits for requests under way: appends take milliseconds, and running
   * statements are cancelled before the stop begins.
   */
  private static final long STOP_TIMEOUT_MILLIS = 10_000;

  private AnnalsServer(HttpServer http, AnnalsMeta meta, ServerMetrics metrics, SubscriptionHandler subscriptions,
      EventStore store, ServerConfig config, boolean logins, int users) {
    this.http = http;
    this.subscriptions = subscriptions;
    this.meta = meta;
    this.metrics = metrics;
    this.store = store;
    this.config = config;
    this.port = http.getPort();
    this.logins = logins;
    this.users = users;
    // Beside the first requests rather than before the port opens: a client that connects at
    // once is served as cold as before, not refused.
    this.warmup = new Thread(() -> QueryWarmup.run(store, closed::get), "annals-warmup");
    warmup.setDaemon(true);
    warmup.start();
  }

  /**
   * Starts serving an open store; on failure the store is left open for the caller. A server
   * bound to an address other machines reach needs users, unless it is told to allow anonymous
   * clients.
   */
  public static AnnalsServer start(EventStore store, ServerConfig config) throws IOException {
    ServerSecurity security = config.security();
    OptionalInt usersAtStart = checkSecurity(config);
    boolean logins = usersAtStart.isPresent();
    int users = usersAtStart.orElse(0);
    StoreRegistry.register(store);
    AnnalsMeta meta = null;
    ServerMetrics metrics = null;
    SubscriptionHandler subscriptions = null;
    HttpServer http = null;
    try {
      metrics = new ServerMetrics(store);
      meta = new AnnalsMeta(EmbeddedDriver.PREFIX + store.options().dataFolder(), config, metrics);
      Service protobuf = new LocalService(meta.guarded(AnnalsMeta.Wire.PROTOBUF));
      Service json = new LocalService(meta.guarded(AnnalsMeta.Wire.JSON));
      subscriptions = new SubscriptionHandler(store);
      RoutingHandler routing = new RoutingHandler(new AppendHandler(store, config.limits().maxRequestBytes()),
          subscriptions, new AdminHandler(store), new CancelHandler(meta), new BrowserGuard(config.host()), protobuf, json, config.limits(), metrics);
      ServerCustomizer<Server> customizer = jetty -> customize(jetty, config.host(), logins ? security.usersFile() : null);
      HttpServer.Builder<Server> builder = new HttpServer.Builder<Server>()
          .withPort(config.port())
          .withHandler(routing)
          .withServerCustomizers(List.of(customizer), Server.class);
      if (logins) {
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
      if (metrics != null) {
        metrics.close();
      }
      StoreRegistry.forget(store);
      Throwable cause = e.getCause() != null && e instanceof RuntimeException ? e.getCause() : e;
      throw new IOException("cannot serve on " + config.host() + ":" + config.port() + ": " + cause.getMessage(), e);
    }
    AnnalsServer server = new AnnalsServer(http, meta, metrics, subscriptions, store, config, logins, users);
    LOG.info("serving {} on {} ({}{})", store.options().dataFolder(), server.url(),
        logins ? users + " users" : "no logins", security.tls() ? ", TLS" : "");
    return server;
  }

  /**
   * Refuses settings a server must not start with, before anything is opened: a non-loopback
   * address without users (unless anonymous clients are allowed), an unreadable keystore, a
   * malformed users file. Returns how many users the file holds, or nothing for a server without
   * logins: a users file, even one emptied of users, turns logins on, so that removing the last
   * user locks everyone out rather than letting everyone in.
   */
  public static OptionalInt checkSecurity(ServerConfig config) throws IOException {
    ServerSecurity security = config.security();
    boolean logins = security.usersFile() != null && Files.exists(security.usersFile());
    OptionalInt users = logins ? OptionalInt.of(new UsersFile(security.usersFile()).read().size()) : OptionalInt.empty();
    if (!logins && !security.allowAnonymous() && !BrowserGuard.loopback(config.host())) {
      throw new IOException("refusing to serve " + config.host() + " without users: anyone who reaches it could read"
          + " and append. Add one with 'annals user add --data DIR NAME --role read,append' (users file "
          + (security.usersFile() == null ? "none given" : security.usersFile()) + "), or pass --allow-anonymous");
    }
    if (security.tls() && !Files.isReadable(security.tlsKeystore())) {
      throw new IOException("cannot read the TLS keystore " + security.tlsKeystore());
    }
    return users;
  }

  /**
   * What Avatica's builder has no option for.
   *
   * @param usersFile the users file, or null for a server without logins
   */
  private static void customize(Server jetty, String host, Path usersFile) {
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
    // Avatica's BASIC authentication checks users with Jetty's HashLoginService, which would also
    // take clear or weakly hashed passwords from the file and answers an unknown name faster than
    // a wrong password; ours does neither, and reads the file again when it changes.
    ConstraintSecurityHandler security = jetty.getChildHandlerByClass(ConstraintSecurityHandler.class);
    if (security != null) {
      jetty.removeBean(security.getLoginService());
      security.setLoginService(new UsersLoginService(usersFile));
    }
    jetty.setErrorHandler(new JsonErrorPages());
    // A stop lets the requests under way finish before it closes their connections: an append
    // the store has made durable is answered, not cut off. New requests meanwhile get 503.
    StatisticsHandler requests = new StatisticsHandler();
    requests.setHandler(jetty.getHandler());
    jetty.setHandler(requests);
    jetty.setStopTimeout(STOP_TIMEOUT_MILLIS);
  }

  public int port() {
    return port;
  }

  /** The thin driver's URL for this server. */
  public String jdbcUrl() {
    return "jdbc:annals://" + advertisedHost() + ":" + port + (config.security().tls() ? "?ssl=true" : "");
  }

  public String url() {
    return (config.security().tls() ? "https" : "http") + "://" + advertisedHost() + ":" + port;
  }

  /** The bound address, or for all addresses (0.0.0.0, ::) this machine's name, which clients can use. */
  private String advertisedHost() {
    String host = config.host();
    if (!host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]")) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return host;
    }
  }

  /** Whether every request needs a user's name and password: the server has a users file. */
  public boolean logins() {
    return logins;
  }

  /** How many users the users file held when the server started. */
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
    // A running statement or a waiting subscription would hold its request thread, and so the
    // stop, until it ended.
    meta.cancelAll();
    subscriptions.stop();
    try {
      warmup.join(STOP_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      http.stop();
    } catch (RuntimeException e) {
      throw new IOException("stopping the server failed: " + e.getMessage(), e);
    } finally {
      meta.closeAllConnections();
      metrics.close();
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
