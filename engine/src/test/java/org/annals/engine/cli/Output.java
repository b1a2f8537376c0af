package org.annals.engine.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what a command prints, for tests of the command line. */
final class Output {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream original;
  private final boolean stdout;

  private Output(boolean stdout) {
    this.stdout = stdout;
    this.original = stdout ? System.out : System.err;
    PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    if (stdout) {
      System.setOut(capture);
    } else {
      System.setErr(capture);
    }
  }

  static Output captureOut() {
    return new Output(true);
  }

  static Output captureErr() {
    return new Output(false);
  }

  void restore() {
    if (stdout) {
      System.setOut(original);
    } else {
      System.setErr(original);
    }
  }

  String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
