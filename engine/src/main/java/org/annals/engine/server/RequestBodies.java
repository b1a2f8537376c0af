package org.annals.engine.server;

import java.io.IOException;
import java.io.InputStream;
import javax.servlet.http.HttpServletRequest;

/** Reads request bodies whole, up to a limit, so that no client fills the heap. Stateless. */
final class RequestBodies {
  private RequestBodies() {}

  /** The body, or null if it is (or says it is) longer than {@code limit} bytes. */
  static byte[] readAtMost(HttpServletRequest request, long limit) throws IOException {
    if (request.getContentLengthLong() > limit) {
      return null;
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      return body.length > limit ? null : body;
    }
  }
}
