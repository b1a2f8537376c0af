package org.annals.engine.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.OptionalSslConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;

/**
 * Answers a plain-HTTP request on an HTTPS port with 400 and what to change, then closes. Jetty
 * would drop the connection without a word, and Avatica's client retries a dropped request for
 * ever, so a JDBC URL that forgot {@code ssl=true} hung instead of failing.
 */
final class PlainRequestsOnTls extends OptionalSslConnectionFactory {
  private static final byte[] REPLY;

  static {
    String body = "{\"error\":\"this port speaks HTTPS only: use https:// (JDBC: add ssl=true to the URL)\",\"status\":400}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: "
        + bytes.length + "\r\nConnection: close\r\n\r\n";
    REPLY = (head + body).getBytes(StandardCharsets.UTF_8);
  }

  PlainRequestsOnTls(SslConnectionFactory tls) {
    super(tls, null);
  }

  @Override
  protected void otherProtocol(ByteBuffer buffer, EndPoint endPoint) {
    endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()), ByteBuffer.wrap(REPLY));
  }
}
