package org.annals.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.annals.examples.ThinDriver;
import org.annals.storage.CrashImage;

/**
 * How long a server takes to come back over a log that was never flushed: a child JVM appends
 * events of about 180 bytes with flushing off until the WAL holds the bytes asked for (1 GiB by
 * default), then halts as a crash would. Each round serves a fresh copy of the folder as the
 * crash left it (the log, and the memtable chunk files written until then) with the project's
 * {@code annals serve}, as users start it, and measures, from the process's start, when the
 * thin driver can connect and when the first {@code SELECT COUNT(*) FROM events} has answered,
 * then the second's own time. The server is killed after each round; it starts flushing the
 * large memtable it finds a second after it opens, as any restart over such a log does.
 * Usage: bench/restart [WAL bytes] [rounds].
 */
public final class RestartBenchmark {
  private RestartBenchmark() {}

  public static void main(String[] args) throws Exception {
    long walBytes = args.length > 0 && !args[0].isBlank() ? Long.parseLong(args[0]) : 1L << 30;
    int rounds = args.length > 1 && !args[1].isBlank() ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("annals-restart-bench-");
    try {
      Path log = dir.resolve("crashed");
      fill(log, walBytes);
      ThinDriver driver = ThinDriver.load();
      Path home = Path.of(System.getProperty("annals.home"));
      // A start before the counted ones, stopped as an operator stops it: the first serve after a
      // build writes the launcher's class data sharing archive on its way out, and later starts read it.
      try (ServerProcess first = ServerProcess.startLauncher(home, dir.resolve("empty"), driver)) {
        count(driver, first);
      }
      System.out.printf("%d bytes of WAL, nothing flushed; %d rounds, each on a fresh copy of the crashed folder%n",
          walBytes, rounds);
      System.out.printf("%-6s %12s %18s %14s%n", "round", "connects", "first COUNT(*)", "second alone");
      for (int round = 1; round <= rounds; round++) {
        Path copy = dir.resolve("round-" + round);
        // What the restarted process finds: the folder as the crash left it.
        CrashImage.copy(log, copy);
        long start = System.nanoTime();
        try (ServerProcess server = ServerProcess.startLauncher(home, copy, driver)) {
          long connects = System.nanoTime();
          long count = count(driver, server);
          long first = System.nanoTime();
          count(driver, server);
          long second = System.nanoTime() - first;
          System.out.printf("%-6d %10.1f s %16.1f s %11.0f ms   (%,d events)%n", round, seconds(connects - start),
              seconds(first - start), second / 1e6, count);
          server.kill();
        }
        BenchFolders.delete(copy);
      }
    } finally {
      BenchFolders.delete(dir);
    }
  }

  private static long count(ThinDriver driver, ServerProcess server) throws Exception {
    try (Connection c = driver.connect(server.jdbcUrl()); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM events")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Fills the folder in a child JVM that halts at the end, leaving the whole log unflushed. */
  private static void fill(Path folder, long walBytes) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        UnflushedLog.class.getName(), folder.toString(), Long.toString(walBytes)));
    Process child = new ProcessBuilder(command).inheritIO().start();
    if (!child.waitFor(30, TimeUnit.MINUTES) || child.exitValue() != UnflushedLog.HALTED) {
      child.destroyForcibly();
      throw new IOException("filling the log failed (exit status " + child.exitValue() + ")");
    }
  }
}
