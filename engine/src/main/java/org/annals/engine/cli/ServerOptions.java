package org.annals.engine.cli;

import org.annals.engine.server.ServerConfig;
import picocli.CommandLine.Option;

/** The address and limit options shared by {@code serve} and {@code demo}. */
final class ServerOptions {
  @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}; use 0.0.0.0 to serve other machines).")
  String host;

  @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT,
      description = "Port for JDBC and HTTP appends (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--query-timeout", defaultValue = "" + ServerConfig.DEFAULT_QUERY_TIMEOUT_SECONDS,
      paramLabel = "SECONDS",
      description = "How long a statement may run, from its execution to its last row read, before it is"
          + " stopped with SQLState 57014; 0 for no limit (default: ${DEFAULT-VALUE}). Clients may ask for less"
          + " with the connection property query_timeout.")
  int queryTimeoutSeconds;

  @Option(names = "--idle-timeout", defaultValue = "" + ServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS,
      paramLabel = "SECONDS",
      description = "How long a JDBC connection or statement may go unused before the server closes it, freeing"
          + " the files and memory its results hold (default: ${DEFAULT-VALUE}).")
  int idleTimeoutSeconds;

  @Option(names = "--max-connections", defaultValue = "" + ServerConfig.DEFAULT_MAX_CONNECTIONS, paramLabel = "N",
      description = "How many JDBC connections may be open at once; one more is refused with SQLState 53300, and an"
          + " open one is never closed to make room (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  ServerConfig config() {
    return new ServerConfig(host, port, ServerConfig.DEFAULT_ROWS_PER_FRAME, ServerConfig.DEFAULT_MAX_REQUEST_BYTES,
        queryTimeoutSeconds, idleTimeoutSeconds, maxConnections);
  }
}
