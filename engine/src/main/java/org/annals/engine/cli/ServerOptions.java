package org.annals.engine.cli;

import java.nio.file.Path;
import org.annals.engine.security.UsersFile;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.server.ServerLimits;
import org.annals.engine.server.ServerSecurity;
import picocli.CommandLine.Option;

/** The address, limit and security options shared by {@code serve} and {@code demo}. */
final class ServerOptions {
  @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}; use 0.0.0.0 to serve other machines, which needs"
          + " users or --allow-anonymous).")
  String host;

  @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT,
      description = "Port for JDBC and HTTP appends (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--users", paramLabel = "FILE",
      description = "The users file that 'annals user add' writes (default: " + UsersFile.DEFAULT_NAME
          + " in the data folder). Once it holds a user, every request needs a user's name and password.")
  Path users;

  @Option(names = "--allow-anonymous",
      description = "Serve an address other machines reach without users: anyone who reaches the port reads and"
          + " appends.")
  boolean allowAnonymous;

  @Option(names = "--tls-keystore", paramLabel = "FILE",
      description = "Serve HTTPS with the key and certificate in this keystore (PKCS12 or JKS); clients connect with"
          + " jdbc:annals://host:port?ssl=true.")
  Path tlsKeystore;

  @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD",
      defaultValue = "${env:ANNALS_TLS_KEYSTORE_PASSWORD}",
      description = "The keystore's password (default: the environment variable ANNALS_TLS_KEYSTORE_PASSWORD, which"
          + " other users of the machine cannot see in the process list).")
  String tlsKeystorePassword;

  @Option(names = "--query-timeout", defaultValue = "" + ServerLimits.DEFAULT_QUERY_TIMEOUT_SECONDS,
      paramLabel = "SECONDS",
      description = "How long a statement may run, from its execution to its last row read, before it is"
          + " stopped with SQLState 57014; 0 for no limit (default: ${DEFAULT-VALUE}). Clients may ask for less"
          + " with the connection property query_timeout.")
  int queryTimeoutSeconds;

  @Option(names = "--idle-timeout", defaultValue = "" + ServerLimits.DEFAULT_IDLE_TIMEOUT_SECONDS,
      paramLabel = "SECONDS",
      description = "How long a JDBC connection or statement may go unused before the server closes it, freeing"
          + " the files and memory its results hold (default: ${DEFAULT-VALUE}).")
  int idleTimeoutSeconds;

  @Option(names = "--max-connections", defaultValue = "" + ServerLimits.DEFAULT_MAX_CONNECTIONS, paramLabel = "N",
      description = "How many JDBC connections may be open at once; one more is refused with SQLState 53300, and an"
          + " open one is never closed to make room (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--max-connections-per-user", defaultValue = "" + ServerLimits.DEFAULT_MAX_CONNECTIONS_PER_USER,
      paramLabel = "N", description = "How many of them one user may hold (default: ${DEFAULT-VALUE}).")
  int maxConnectionsPerUser;

  @Option(names = "--max-statements-per-connection",
      defaultValue = "" + ServerLimits.DEFAULT_MAX_STATEMENTS_PER_CONNECTION, paramLabel = "N",
      description = "How many statements one connection may hold open (default: ${DEFAULT-VALUE}).")
  int maxStatementsPerConnection;

  @Option(names = "--rows-per-frame", defaultValue = "" + ServerLimits.DEFAULT_ROWS_PER_FRAME, paramLabel = "N",
      description = "Rows per JDBC result frame when a client asks for fewer; at most " + ServerConfig.MAX_ROWS_PER_FRAME
          + ", and a frame also stops at about " + ServerConfig.MAX_FRAME_BYTES + " bytes (default: ${DEFAULT-VALUE}).")
  int rowsPerFrame;

  @Option(names = "--max-request-bytes", defaultValue = "" + ServerLimits.DEFAULT_MAX_REQUEST_BYTES,
      paramLabel = "BYTES", description = "The largest request body, append or JDBC (default: ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(names = "--max-request-bytes-in-flight", defaultValue = "" + ServerLimits.DEFAULT_MAX_REQUEST_BYTES_IN_FLIGHT,
      paramLabel = "BYTES", description = "How many bytes of request bodies the server reads at once, over every"
          + " client; more wait, then get 503 (default: ${DEFAULT-VALUE}).")
  long maxRequestBytesInFlight;

  @Option(names = "--max-sql-chars", defaultValue = "" + ServerLimits.DEFAULT_MAX_SQL_CHARS, paramLabel = "N",
      description = "The longest SQL statement accepted (default: ${DEFAULT-VALUE}).")
  int maxSqlChars;

  @Option(names = "--max-sql-depth", defaultValue = "" + ServerLimits.DEFAULT_MAX_SQL_DEPTH, paramLabel = "N",
      description = "How deeply a statement's parentheses may nest (default: ${DEFAULT-VALUE}).")
  int maxSqlDepth;

  /** The server's settings for a data folder, whose users file is the default one. */
  ServerConfig config(Path data) {
    ServerLimits limits = new ServerLimits(rowsPerFrame, maxRequestBytes, maxRequestBytesInFlight,
        queryTimeoutSeconds, idleTimeoutSeconds, maxConnections, maxConnectionsPerUser, maxStatementsPerConnection,
        maxSqlChars, maxSqlDepth);
    ServerSecurity security = new ServerSecurity(users != null ? users : data.resolve(UsersFile.DEFAULT_NAME),
        allowAnonymous, tlsKeystore, tlsKeystore == null ? null : tlsKeystorePassword);
    return new ServerConfig(host, port, limits, security);
  }
}
