package org.annals.examples.bench;

import java.io.IOException;
import java.net.URI;
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
  /** How {@code annals serve} prints its address once it listens. */
  private static final String URL_LINE = "JDBC URL:";
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
   * Starts a server on the folder, its JVM given these options as well, on a port the server
   * picks itself (a port probed free beforehand could be taken before the server binds it), and
   * waits until it prints its JDBC URL and the thin driver can connect there.
   */
  public static ServerProcess start(Path data, ThinDriver driver, List<String> jvmOptions) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.annals.engine.cli.Main", "serve",
        "--data", data.toString(), "--host", "127.0.0.1", "--port", "0"));
    return start(command, driver);
  }

  /**
   * Starts a server through the project's {@code annals} launcher, as the README tells users to,
   * with the launcher's own JVM options.
   */
  public static ServerProcess startLauncher(Path annalsHome, Path data, ThinDriver driver) throws Exception {
    return start(List.of(annalsHome.resolve("annals").toString(), "serve", "--data", data.toString(),
        "--host", "127.0.0.1", "--port", "0"), driver);
  }

  private static ServerProcess start(List<String> command, ThinDriver driver) throws Exception {
    Path log = Files.createTempFile("annals-bench-server-", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    SQLException lastTry = null;
    while (process.isAlive() && System.nanoTime() < deadline) {
      String url = printedUrl(log);
      if (url != null) {
        try (Connection c = driver.connect(url)) {
          return new ServerProcess(process, log, url);
        } catch (SQLException notYet) {
          lastTry = notYet;
        }
      }
      Thread.sleep(200);
    }
    // Read the log before it goes: closing deletes it.
    String tail = String.join("\n", tail(log));
    new ServerProcess(process, log, null).close();
    throw new IOException("the server did not start; its log ends with:\n" + tail, lastTry);
  }

  /** The JDBC URL the server printed once it was listening, or null if it has not yet. */
  private static String printedUrl(Path log) throws IOException {
    for (String line : Files.readAllLines(log)) {
      String trimmed = line.trim();
      if (trimmed.startsWith(URL_LINE)) {
        return trimmed.substring(URL_LINE.length()).trim();
      }
    }
    return null;
  }

  public String jdbcUrl() {
    return url;
  }

  /** The port the server listens on, from its URL ({@code jdbc:annals://host:port}). */
  public int port() {
    return URI.create(url.substring("jdbc:".length())).getPort();
  }

  private static List<String> tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return lines.subList(Math.max(0, lines.size() - 20), lines.size());
  }

  /** The last lines the server wrote. */
  public List<String> logTail() throws IOException {
    return tail(log);
  }

  /** Kills the server as a crash would: no flush, no close. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(1, TimeUnit.MINUTES);
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
