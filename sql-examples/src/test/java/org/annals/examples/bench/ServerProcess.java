package org.annals.examples.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.annals.examples.ThinDriver;

/**
 * {@code annals serve} in a process of its own, as users run it, for the query benchmark: the
 * server's JVM then holds the store alone, not the benchmark's client and DuckDB beside it.
 * Closing it sends SIGTERM, which flushes and stops the server.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final String url;

  private ServerProcess(Process process, Path log, String url) {
    this.process = process;
    this.log = log;
    this.url = url;
  }

  /** Starts a server on the folder and waits until the thin driver can connect to it. */
  static ServerProcess start(Path data, ThinDriver driver) throws Exception {
    return start(data, driver, List.of());
  }

  /**
   * Starts a server on the folder, its JVM given these options as well, and waits until the thin
   * driver can connect to it.
   */
  public static ServerProcess start(Path data, ThinDriver driver, List<String> jvmOptions) throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("annals-bench-server-", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.annals.engine.cli.Main", "serve",
        "--data", data.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServerProcess server = new ServerProcess(process, log, "jdbc:annals://127.0.0.1:" + port);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      try (Connection c = driver.connect(server.url)) {
        return server;
      } catch (SQLException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          server.close();
          throw new IOException("the server did not start; its log " + log + " ends with:\n"
              + String.join("\n", tail(log)), notYet);
        }
        Thread.sleep(200);
      }
    }
  }

  /** A port of 127.0.0.1 free a moment ago, for a server process the benchmark starts. */
  static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  public String jdbcUrl() {
    return url;
  }

  private static List<String> tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return lines.subList(Math.max(0, lines.size() - 20), lines.size());
  }

  /** The last lines the server wrote. */
  public List<String> logTail() throws IOException {
    return tail(log);
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(log);
  }
}
