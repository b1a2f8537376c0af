package org.annals.engine.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Passes sqlline's error output on without the Java stack traces it prints after each error of a
 * statement given with {@code -e}: sqlline treats everything before its shell starts as verbose,
 * whatever {@code --verbose} says, so every mistake in a one-line query ended in some forty lines
 * of frames under the one line that says what was wrong. Lines are passed whole or not at all.
 */
final class StackTraceFilter extends OutputStream {
  /**
   * A frame, a cause, an elided count, the line naming an exception's class, or the server's
   * reason that Avatica's exception prints after its trace (the error line already says it).
   */
  private static final Pattern TRACE = Pattern.compile(
      "\\s+at .*|\\s*\\.\\.\\. \\d+ more|\\s*(Caused by|Suppressed): .*|[a-z][\\w$]*(\\.[\\w$]+)+(Exception|Error)(: .*)?"
          + "|reason: .*");
  private final OutputStream out;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  StackTraceFilter(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') {
      flushLine();
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    flushLine();
    out.flush();
  }

  private void flushLine() throws IOException {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (!TRACE.matcher(text.stripTrailing()).matches()) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
