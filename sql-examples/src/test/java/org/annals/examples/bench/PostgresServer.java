package org.annals.examples.bench;

import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/**
 * A throwaway PostgreSQL cluster for the query benchmark, from the server binaries the machine
 * has ({@code initdb}, {@code pg_ctl} under /usr/lib/postgresql): started on a free port of
 * 127.0.0.1, loaded with the same events, stopped and deleted on close. Run as root, the
 * commands run as the {@code postgres} user, since PostgreSQL refuses to run as root.
 */
final class PostgresServer implements AutoCloseable {
  private final Path bin;
  private final Path data;
  private final int port;

  private PostgresServer(Path bin, Path data, int port) {
    this.bin = bin;
    this.data = data;
    this.port = port;
  }

  /** The server binaries' folder, or null when PostgreSQL is not installed. */
  static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.naturalOrder()).orElse(null);
    }
  }

  static PostgresServer start(Path bin) throws Exception {
    int port = freePort();
    Path data = Files.createTempDirectory("annals-bench-pg-");
    PostgresServer server = new PostgresServer(bin, data, port);
    if (isRoot()) {
      run(List.of("chown", "postgres", data.toString()));
    }
    server.runAsOwner(List.of(bin.resolve("initdb").toString(), "-D", data.resolve("db").toString(),
        "-A", "trust", "-U", "annals", "-E", "UTF8", "--locale=C", "--no-sync"));
    // Durability off (no fsync, no synchronous commit): the benchmark measures reads.
    server.runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data.resolve("db").toString(),
        "-l", data.resolve("log").toString(), "-w", "-o", "-p " + port + " -k " + data
            + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
            + " -c shared_buffers=1GB -c max_parallel_workers_per_gather=2", "start"));
    return server;
  }

  /**
   * A connection in UTC that streams results 10,000 rows at a time (pgjdbc fetches a whole result
   * into memory unless it is in a transaction with a fetch size).
   */
  Connection connect() throws Exception {
    return connect(port);
  }

  /** As {@link #connect()}, through a relay on {@code viaPort} that leads to this server's port. */
  Connection connect(int viaPort) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + viaPort
        + "/postgres?defaultRowFetchSize=10000", "annals", "");
    try (Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE 'UTC'");
    }
    c.setAutoCommit(false);
    return c;
  }

  /**
   * Creates {@code events} with the columns Annals has (payload and metadata as jsonb, as a
   * PostgreSQL user would keep them), copies in a CSV file of them, and indexes an entity's
   * history by (stream_name, entity_id, version).
   */
  void load(Connection c, Path csv) throws Exception {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE events (stream_name text NOT NULL, seq bigint NOT NULL,"
          + " global_seq bigint NOT NULL, entity_id text, version bigint, event_id text NOT NULL,"
          + " event_type text NOT NULL, recorded_at timestamptz NOT NULL, payload jsonb NOT NULL,"
          + " metadata jsonb)");
    }
    try (Reader in = Files.newBufferedReader(csv)) {
      c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY events FROM STDIN (FORMAT csv)", in);
    }
    try (Statement s = c.createStatement()) {
      s.execute("CREATE INDEX events_entity ON events (stream_name, entity_id, version)");
      // An event table in PostgreSQL keys its events by their position in the log.
      s.execute("CREATE UNIQUE INDEX events_global_seq ON events (global_seq)");
      s.execute("VACUUM ANALYZE events");
    }
  }

  private void runAsOwner(List<String> command) throws Exception {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    run(full);
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed:\n" + output);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    try {
      runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data.resolve("db").toString(),
          "-m", "fast", "-w", "stop"));
    } finally {
      BenchFolders.delete(data);
    }
  }

  /** A port of 127.0.0.1 free a moment ago, for the cluster (PostgreSQL takes no port 0). */
  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
