package org.annals.engine.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve a data folder over JDBC (Avatica) and HTTP appends on one port.")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "The data folder (created if missing).")
  Path data;

  @Mixin
  ServerOptions server;

  @Mixin
  FlushOptions flush;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = server.config(data);
    // Before the store opens, so that a refused start does not make a data folder of a mistyped path.
    AnnalsServer.checkSecurity(config);
    Serving.serveUntilStopped(EventStore.open(flush.applyTo(StoreOptions.builder(data)).build()), config, System.out,
        () -> { });
    return 0;
  }
}
