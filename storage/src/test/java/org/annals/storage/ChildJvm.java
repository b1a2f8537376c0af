package org.annals.storage;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test main class running in its own JVM on the test class path, so that a test can crash or
 * kill a store for real. Its stdout and stderr go to files rather than pipes: a child never blocks
 * on a full pipe, and what it wrote before dying is still there to read afterwards.
 */
final class ChildJvm {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ChildJvm(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code main} with the given JVM options and arguments; its output goes to
   * {@code <outputPrefix>.out} and {@code <outputPrefix>.err}.
   */
  static ChildJvm start(Class<?> main, Path outputPrefix, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Arrow's unsafe allocator reads java.nio internals on Java 17, as in surefire's argLine.
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    // A small serial heap starts fast and leaves the two build cores to the stores.
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(Arrays.asList(args));
    Path out = Path.of(outputPrefix + ".out");
    Path err = Path.of(outputPrefix + ".err");
    Process process = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    return new ChildJvm(process, out, err);
  }

  /** Waits for the child to end on its own and returns its exit status. */
  int awaitExit(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      fail("the child did not end within " + timeout + "; its stderr:\n" + stderr());
    }
    return process.exitValue();
  }

  /** Waits until the child has printed {@code line} as a whole line. */
  void awaitLine(String line, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!completeLines().contains(line)) {
      if (!process.isAlive()) {
        fail("the child ended with status " + process.exitValue() + " before printing '" + line
            + "'; its stderr:\n" + stderr());
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly().waitFor();
        fail("the child did not print '" + line + "' within " + timeout + "; its stderr:\n" + stderr());
      }
      Thread.sleep(20);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the child with SIGKILL: no shutdown hooks, no finally blocks, no flush on close. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** The events the child reported as acknowledged. */
  List<AckLine> acknowledged() throws IOException {
    return completeLines().stream().filter(AckLine::isAckLine).map(AckLine::parse).toList();
  }

  /**
   * The lines of stdout that end in a newline. A killed child can leave half a line at the end,
   * which is dropped: the event it was reporting may or may not be stored, and either is allowed.
   */
  private List<String> completeLines() throws IOException {
    String text = Files.readString(stdout, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }
}
