package org.annals.engine.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import java.io.IOException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code POST /cancel} with {@code {"connection_id": "...", "statement_id": N, "execution": E}}:
 * cancels that statement's execution E (its current one if E is left out) of that JDBC
 * connection ({@link AnnalsMeta#cancel}). It is how the thin driver's
 * {@code Statement.cancel()} and query timeout reach the server: Avatica's protocol has no cancel,
 * and a connection's own requests wait in line behind the one running. The connection id, a
 * random UUID that only its client knows, is what entitles a caller to cancel. 200 with
 * {@code {"cancelled": true}}, or {@code false} and a reason if the connection is not open, has no
 * such statement or that execution has ended (there is nothing to stop); 400 for a malformed body,
 * 405 for another method.
 * Thread-safe.
 */
final class CancelHandler {
  static final String PATH = "/cancel";
  /** A cancel body is two short fields; anything longer is not one. */
  private static final int MAX_BODY_BYTES = 4096;

  private final AnnalsMeta meta;

  CancelHandler(AnnalsMeta meta) {
    this.meta = meta;
  }

  void handle(HttpServletRequest request, HttpServletResponse response, RequestBudget.Lease lease) throws IOException {
    if (!"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "POST");
      JsonReplies.error(response, 405, request.getMethod() + " is not allowed here; use POST with"
          + " {\"connection_id\": ..., \"statement_id\": ...}");
      return;
    }
    byte[] body = RequestBodies.readAtMost(request, MAX_BODY_BYTES, lease);
    JsonNode cancel;
    try {
      cancel = body == null ? null : JsonReplies.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      cancel = null;
    }
    JsonNode connection = cancel == null ? null : cancel.get("connection_id");
    JsonNode statement = cancel == null ? null : cancel.get("statement_id");
    JsonNode execution = cancel == null ? null : cancel.get("execution");
    if (connection == null || !connection.isTextual() || !whole(statement)
        || execution != null && (!whole(execution) || execution.intValue() < 1)) {
      JsonReplies.error(response, 400, "a cancel is a JSON object {\"connection_id\": text, \"statement_id\":"
          + " integer, \"execution\": optional integer from 1} of at most " + MAX_BODY_BYTES + " bytes");
      return;
    }
    ObjectNode reply = JsonReplies.JSON.createObjectNode();
    boolean cancelled;
    try {
      cancelled = meta.cancel(connection.textValue(), statement.intValue(), execution == null ? 0 : execution.intValue());
    } catch (AvaticaClientRuntimeException refused) {
      JsonReplies.error(response, 403, refused.getMessage());
      return;
    }
    if (cancelled) {
      reply.put("cancelled", true);
    } else {
      reply.put("cancelled", false).put("reason", "connection " + connection.textValue()
          + " is not open, has no statement " + statement.intValue() + " or that execution of it has ended");
    }
    JsonReplies.reply(response, 200, reply);
  }

  private static boolean whole(JsonNode number) {
    return number != null && number.isIntegralNumber() && number.canConvertToInt();
  }
}
