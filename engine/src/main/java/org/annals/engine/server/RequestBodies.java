package org.annals.engine.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.HttpServletRequest;
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
}
