package org.annals.engine.cli;

import org.annals.engine.server.ServerConfig;
import picocli.CommandLine.Option;

/** The address options shared by {@code serve} and {@code demo}. */
final class ServerOptions {
  @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}; use 0.0.0.0 to serve other machines).")
  String host;

  @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT,
      description = "Port for JDBC and HTTP appends (default: ${DEFAULT-VALUE}).")
  int port;

  ServerConfig config() {
    return ServerConfig.defaults(host, port);
  }
}
