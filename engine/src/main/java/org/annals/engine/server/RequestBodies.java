package org.annals.engine.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.Locale;
import javax.servlet.http.HttpServletRequest;
import org.annals.storage.event.InvalidEventException;
import org.eclipse.jetty.http.BadMessageException;

/**
 * Reads request bodies whole, up to a limit, so that no client fills the heap, and at the
 * server's slowest allowed rate, so that no client holds a request thread by trickling its body.
 * Jetty's own minimum request rate counts from the body's first byte, so a small body read after
 * a slow password check or a wait for the request budget looked slow and was cut off; this counts
 * from when the body is read. Stateless.
 */
final class RequestBodies {
  /** Time any body gets before the rate applies: a connection's slow start is not trickling. */
  private static final long GRACE_MILLIS = 5_000;

  private RequestBodies() {}

  /**
   * The body, or null if it is (or says it is) longer than {@code limit} bytes; a body that
   * arrives slower than {@link ServerConfig#MIN_BYTES_PER_SECOND} after the grace is refused (408).
   *
   * @param lease takes the bytes as they arrive, from the server's budget of bytes in flight
   * @throws RequestBudget.Spent if the budget had no room for the body in time
   */
  /** Whether the request says its body is JSON: appends and admin calls take nothing else. */
  static boolean isJson(HttpServletRequest request) {
    String type = request.getContentType();
    return type != null && type.toLowerCase(Locale.ROOT).matches("application/json\\s*(;.*)?");
  }

  static byte[] readAtMost(HttpServletRequest request, long limit, RequestBudget.Lease lease) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      drain(request, limit);
      return null;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
    byte[] buffer = new byte[64 * 1024];
    long start = System.nanoTime();
    try (InputStream in = request.getInputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        if (body.size() + (long) n > limit) {
          drain(request, limit);
          return null;
        }
        lease.take(n);
        body.write(buffer, 0, n);
        checkRate(start, body.size());
      }
    }
    return body.toByteArray();
  }

  /**
   * Reads and drops what is left of a body too large to take, up to as much again as the limit,
   * so that the client, which is still sending (Avatica's client does not wait for a 100
   * Continue), gets the refusal rather than a connection reset under it.
   */
  private static void drain(HttpServletRequest request, long limit) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long drained = 0;
    long start = System.nanoTime();
    try (InputStream in = request.getInputStream()) {
      for (int n = in.read(buffer); n >= 0 && drained <= limit; n = in.read(buffer)) {
        drained += n;
        checkRate(start, drained);
      }
    }
  }

  private static void checkRate(long start, long bytes) {
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (elapsed > GRACE_MILLIS + bytes * 1000L / ServerConfig.MIN_BYTES_PER_SECOND) {
      throw new BadMessageException(408, "the request body arrived slower than " + ServerConfig.MIN_BYTES_PER_SECOND
          + " bytes a second");
    }
  }

  /**
   * The body as UTF-8, strictly: JSON's parser would read UTF-16 or UTF-32 too and its offsets
   * would not be UTF-8's, and Java's lenient decoding would store malformed, overlong or CESU-8
   * sequences as U+FFFD, altering what was sent.
   *
   * @throws InvalidEventException saying what the body looks like instead (a 400)
   */
  static void requireUtf8(byte[] body) {
    if (body.length >= 2 && (body[0] == 0 || body[1] == 0 || (body[0] & 0xFF) >= 0xFE)
        || body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB) {
      throw new InvalidEventException("the body must be UTF-8 without a byte order mark (it looks like UTF-16, UTF-32"
          + " or has a BOM)");
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
    } catch (CharacterCodingException e) {
      throw new InvalidEventException("the body is not valid UTF-8 (" + e.getMessage() + "); send UTF-8 JSON");
    }
  }
}
