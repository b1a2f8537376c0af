package org.annals.engine.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The replies Jetty writes itself (a request it cannot parse, a handler that failed, a URI too
 * long) in the HTTP API's shape, {@code {"error": ..., "status": ...}}, where Jetty wrote an HTML
 * page naming its version and, for a failure, the exception. The failure itself is in the log.
 * Thread-safe.
 */
final class JsonErrorPages extends ErrorHandler {
  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    baseRequest.setHandled(true);
    JsonReplies.error(response, response.getStatus(), message(response.getStatus()));
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    try {
      return ByteBuffer.wrap(JsonReplies.JSON.writeValueAsBytes(JsonReplies.errorBody(status, message(status))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an error body of two fields cannot be written", e);
    }
  }

  private static String message(int status) {
    if (status >= 500) {
      return "the server could not answer this request; what went wrong is in its log";
    }
    String reason = HttpStatus.getMessage(status);
    return "the request could not be served: " + (reason == null ? "HTTP " + status : reason);
  }
}
