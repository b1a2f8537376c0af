package org.annals.engine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.apache.calcite.avatica.remote.Service;

/**
 * Avatica error replies as a client may see them: a message and an SQLState, never the server's
 * stack traces, which Avatica's handlers put in every error reply ({@code exceptions}) and which
 * name classes, versions and paths. A request Avatica could not read at all (not protobuf or JSON
 * it knows: Avatica's "unknown" state) gets a plain message of its own, SQLState 08P01. Stateless.
 */
final class ErrorReplies {
  /** Protocol violation (PostgreSQL's code): the request is not one the server can read. */
  static final String UNREADABLE = "08P01";
  static final String UNREADABLE_MESSAGE = "not an Avatica request this server can read: send Avatica 1.x protobuf"
      + " or JSON requests with POST (the thin driver does), or HTTP appends to POST /streams/{stream}/events";

  private ErrorReplies() {}

  /** A protobuf client's error reply. */
  static Service.ErrorResponse safe(Service.ErrorResponse error) {
    boolean unreadable = Service.ErrorResponse.UNKNOWN_SQL_STATE.equals(error.sqlState);
    return new Service.ErrorResponse(List.of(), unreadable ? UNREADABLE_MESSAGE : error.errorMessage, error.errorCode,
        unreadable ? UNREADABLE : error.sqlState, error.severity, error.rpcMetadata);
  }

  /** A JSON client's reply, made safe if it is an error; any other reply unchanged. */
  static String safeJson(String reply) throws IOException {
    JsonNode tree = JsonReplies.JSON.readTree(reply);
    if (!(tree instanceof ObjectNode error) || !"error".equals(error.path("response").asText())) {
      return reply;
    }
    error.putArray("exceptions");
    if (Service.ErrorResponse.UNKNOWN_SQL_STATE.equals(error.path("sqlState").asText())) {
      error.put("errorMessage", UNREADABLE_MESSAGE).put("sqlState", UNREADABLE);
    }
    return JsonReplies.JSON.writeValueAsString(error);
  }
}
