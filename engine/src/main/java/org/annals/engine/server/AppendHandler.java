package org.annals.engine.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.annals.storage.EventStore;
import org.annals.storage.StoreFailedException;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.EventPosition;
import org.annals.storage.event.EventTooLargeException;
import org.annals.storage.event.InvalidEventException;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StreamDamagedException;
import org.annals.storage.event.WrongExpectedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /streams/{stream}/events}: appends a JSON array of events atomically and answers once
 * they are durable. 200 with each event's positions; 400 for invalid input, 409 for a version
 * conflict, 413 for an oversize body or event, 405 for another method, 415 for a body not sent as
 * {@code application/json}, 503 if the store has failed; every error has a JSON body {@code {"error": ..., "status": ...}}. Thread-safe.
 */
final class AppendHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AppendHandler.class);
  static final Pattern PATH = Pattern.compile("^/streams/([^/]+)/events/?$");

  private final EventStore store;
  private final long maxRequestBytes;
  private final AppendRequestParser parser = new AppendRequestParser();

  AppendHandler(EventStore store, long maxRequestBytes) {
    this.store = store;
    this.maxRequestBytes = maxRequestBytes;
  }

  void handle(String target, HttpServletRequest request, HttpServletResponse response, RequestBudget.Lease lease)
      throws IOException {
    if (refusedSemicolon(request, response)) {
      return;
    }
    Matcher m = PATH.matcher(target);
    if (!m.matches()) {
      JsonReplies.error(response, 404, "no such resource " + target + "; appends go to POST /streams/{stream}/events");
      return;
    }
    if (!"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "GET, POST");
      JsonReplies.error(response, 405, request.getMethod() + " is not allowed here; use POST with a JSON array of"
          + " events to append, GET to subscribe");
      return;
    }
    if (!RequestBodies.isJson(request)) {
      JsonReplies.error(response, 415, "an append takes Content-Type: application/json, not " + request.getContentType()
          + " (a web page can send other types to any address; JSON it cannot)");
      return;
    }
    try {
      byte[] body = RequestBodies.readAtMost(request, maxRequestBytes, lease);
      if (body == null) {
        JsonReplies.error(response, 413, "the request body is larger than " + maxRequestBytes
            + " bytes, the most accepted; split the events into smaller appends");
        return;
      }
      List<NewEvent> events = parser.parse(body);
      AppendResult result = store.append(m.group(1), events);
      JsonReplies.reply(response, 200, positions(result));
    } catch (EventTooLargeException e) {
      JsonReplies.error(response, 413, e.getMessage());
    } catch (WrongExpectedVersionException e) {
      ObjectNode body = JsonReplies.errorBody(409, e.getMessage());
      body.put("stream", e.streamName()).put("entity_id", e.entityId()).put("actual_version", e.actual());
      JsonReplies.reply(response, 409, body);
    } catch (InvalidEventException e) {
      JsonReplies.error(response, 400, e.getMessage());
    } catch (StoreFailedException | StreamDamagedException e) {
      JsonReplies.error(response, 503, e.getMessage());
    } catch (RuntimeException e) {
      JsonReplies.error(response, 500, "the append failed inside the server"
          + ErrorIds.logged(LOG, "append to " + target + " failed", e));
    }
  }

  /**
   * Refuses a path with a ';' in it, and says so: Jetty drops ";params" from a path segment, so
   * "/streams/a;b/events" would reach stream "a".
   *
   * @return whether the request was refused
   */
  static boolean refusedSemicolon(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!request.getRequestURI().contains(";")) {
      return false;
    }
    JsonReplies.error(response, 400, "a stream name cannot contain ';' (" + request.getRequestURI() + "); names match"
        + " [A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    return true;
  }

  private ObjectNode positions(AppendResult result) {
    ObjectNode body = JsonReplies.JSON.createObjectNode();
    body.put("duplicate", result.duplicate());
    ArrayNode events = body.putArray("events");
    for (EventPosition p : result.positions()) {
      ObjectNode e = events.addObject();
      e.put("stream", p.streamName());
      e.put("seq", p.seq());
      if (p.version() == null) {
        e.putNull("version");
      } else {
        e.put("version", p.version());
      }
      e.put("global_seq", p.globalSeq());
      e.put("event_id", p.eventId().toString());
      e.put("recorded_at", Instant.ofEpochMilli(p.recordedAt()).toString());
    }
    return body;
  }
}
