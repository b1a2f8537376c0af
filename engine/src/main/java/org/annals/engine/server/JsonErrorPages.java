package org.annals.engine.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.servlet.RequestDispatcher;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replies Jetty writes itself (a request it cannot parse, a handler that failed, a URI too
 * long) in the HTTP API's shape, {@code {"error": ..., "status": ...}}, where Jetty wrote an HTML
 * page naming its version and, for a failure, the exception. A failure is logged under an id
 * that the reply names ({@link ErrorIds}).
 * Thread-safe.
 */
final class JsonErrorPages extends ErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(JsonErrorPages.class);

  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    baseRequest.setHandled(true);
    String message = response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED && request.getHeader("Authorization") != null
        ? "the user name and password were not accepted; a user is made, or given a new password, with 'annals user"
            + " add'"
        : message(response.getStatus());
    if (response.getStatus() >= 500 && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure) {
      message += ErrorIds.logged(LOG, request.getMethod() + " " + target + " failed", failure);
    }
    JsonReplies.error(response, response.getStatus(), message);
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
    if (status == HttpServletResponse.SC_UNAUTHORIZED) {
      return "this server needs a user name and password (HTTP BASIC: the JDBC properties user and password, or"
          + " curl -u NAME); a user is made with 'annals user add'";
    }
    if (status >= 500) {
      return "the server could not answer this request";
    }
    String reason = HttpStatus.getMessage(status);
    return "the request could not be served: " + (reason == null ? "HTTP " + status : reason);
  }
}
