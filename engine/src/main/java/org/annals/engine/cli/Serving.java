package org.annals.engine.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.BrowserGuard;
import org.annals.engine.server.ServerConfig;
import org.annals.storage.EventStore;

/**
 * Runs a server until the process is told to stop: SIGTERM or Ctrl-C runs the shutdown hook,
 * which stops serving and closes the store (flushing the memtable) before the JVM exits.
 */
final class Serving {
  private Serving() {}

  static void serveUntilStopped(EventStore store, ServerConfig config, PrintStream out,
      Runnable announce) throws IOException, InterruptedException {
    AnnalsServer server = AnnalsServer.start(store, config);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        server.close();
      } catch (IOException e) {
        System.err.println("annals: stopping failed: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "annals-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("Annals is serving " + store.options().dataFolder().toAbsolutePath());
    out.println("  JDBC URL:    " + server.jdbcUrl());
    out.println("  HTTP append: POST " + server.url() + "/streams/{stream}/events");
    warnings(server, config).forEach(warning -> out.println("  WARNING: " + warning));
    announce.run();
    out.println("Stop with Ctrl-C (or SIGTERM); the memtable is flushed on the way out.");
    out.flush();
    stopped.await();
  }

  /** What the operator should know about who can reach the server. */
  private static List<String> warnings(AnnalsServer server, ServerConfig config) {
    List<String> warnings = new ArrayList<>();
    boolean exposed = !BrowserGuard.loopback(config.host());
    if (!server.logins() && exposed) {
      warnings.add("anyone who reaches " + config.host() + ":" + server.port() + " can read and append (--allow-anonymous);"
          + " add users with 'annals user add' and restart");
    }
    if (server.logins() && server.users() == 0) {
      warnings.add("the users file " + config.security().usersFile() + " holds no users: no one can connect until"
          + " one is added with 'annals user add'");
    }
    if (server.logins() && exposed && !config.security().tls()) {
      warnings.add("passwords cross the network in clear text; serve HTTPS with --tls-keystore");
    }
    return warnings;
  }
}
