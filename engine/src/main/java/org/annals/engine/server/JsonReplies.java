package org.annals.engine.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import javax.servlet.http.HttpServletResponse;

/**
 * The HTTP API's replies: a JSON object, and for every error {@code {"error": ..., "status": ...}},
 * the same shape on every endpoint. Stateless and thread-safe.
 */
final class JsonReplies {
  static final ObjectMapper JSON = new ObjectMapper();

  private JsonReplies() {}

  static ObjectNode errorBody(int status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    body.put("status", status);
    return body;
  }

  static void error(HttpServletResponse response, int status, String message) throws IOException {
    reply(response, status, errorBody(status, message));
  }

  static void reply(HttpServletResponse response, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
