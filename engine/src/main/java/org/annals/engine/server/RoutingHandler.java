package org.annals.engine.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.servlet.ReadListener;
import javax.servlet.ServletException;
import javax.servlet.ServletInputStream;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.metrics.noop.NoopMetricsSystem;
import org.apache.calcite.avatica.remote.Handler;
import org.apache.calcite.avatica.remote.ProtobufHandler;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.server.AvaticaHandler;
import org.apache.calcite.avatica.server.AvaticaJsonHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;

/**
 * One port for everything: {@code /streams/...} goes to the HTTP append API, {@code /cancel} to
 * statement cancels ({@link CancelHandler}); every other request is an Avatica RPC, read whole and
 * handed to the JSON handler if it is a JSON document (it starts with '{') or to the protobuf
 * handler otherwise. Avatica's clients post both serializations with
 * the same content type, so the body is the only reliable sign. Protobuf requests are answered
 * through {@link ScalarFrameTranslation}, which Avatica's own protobuf handler has no way to take.
 * Thread-safe.
 */
final class RoutingHandler extends AbstractHandler implements AvaticaHandler {
  private final AppendHandler appends;
  private final CancelHandler cancels;
  private final ProtobufHandler protobuf;
  private final AvaticaJsonHandler json;
  private final long maxRequestBytes;

  /**
   * @param protobuf the service protobuf requests go to
   * @param json the service JSON requests go to, over the same Meta
   */
  RoutingHandler(AppendHandler appends, CancelHandler cancels, Service protobuf, Service json, long maxRequestBytes) {
    this.appends = appends;
    this.cancels = cancels;
    this.maxRequestBytes = maxRequestBytes;
    this.protobuf = new ProtobufHandler(protobuf, new ScalarFrameTranslation(), NoopMetricsSystem.getInstance());
    this.json = new AvaticaJsonHandler(json);
  }

  @Override
  protected void doStart() throws Exception {
    json.setServer(getServer());
    json.start();
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    super.doStop();
    json.stop();
  }

  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request,
      HttpServletResponse response) throws IOException, ServletException {
    if (target.startsWith("/streams/") || target.equals("/streams")) {
      baseRequest.setHandled(true);
      appends.handle(target, request, response);
      return;
    }
    if (target.equals(CancelHandler.PATH)) {
      baseRequest.setHandled(true);
      cancels.handle(request, response);
      return;
    }
    byte[] body = readLimited(request);
    if (body == null) {
      baseRequest.setHandled(true);
      response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "a JDBC request may be at most " + maxRequestBytes + " bytes");
      return;
    }
    if (startsWithBrace(body)) {
      json.handle(target, baseRequest, new Replay(request, body), response);
      return;
    }
    // Avatica's handler turns every failure into an error response itself.
    Handler.HandlerResponse<byte[]> answer = protobuf.apply(body);
    baseRequest.setHandled(true);
    response.setContentType("application/octet-stream;charset=utf-8");
    response.setStatus(answer.getStatusCode());
    // With its length known up front, a client reads a frame of megabytes into one array of the
    // right size instead of growing (and copying) a buffer as chunks arrive.
    response.setContentLength(answer.getResponse().length);
    response.getOutputStream().write(answer.getResponse());
  }

  /** The body, or null if it is larger than the limit (no client gets to fill the heap). */
  private byte[] readLimited(HttpServletRequest request) throws IOException {
    if (request.getContentLengthLong() > maxRequestBytes) {
      return null;
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes + 1));
      return body.length > maxRequestBytes ? null : body;
    }
  }

  private static boolean startsWithBrace(byte[] body) {
    for (byte b : body) {
      if (b == '{') {
        return true;
      }
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return false;
  }

  @Override
  public void setServerRpcMetadata(Service.RpcMetadataResponse metadata) {
    protobuf.setRpcMetadata(metadata);
    json.setServerRpcMetadata(metadata);
  }

  /** The request with its body, already read, served again to the Avatica handler. */
  private static final class Replay extends HttpServletRequestWrapper {
    private final byte[] body;

    Replay(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body is already in memory");
        }
      };
    }
  }
}
