package org.annals.engine.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.annals.engine.security.Role;
import org.apache.calcite.avatica.metrics.noop.NoopMetricsSystem;
import org.apache.calcite.avatica.remote.Handler;
import org.apache.calcite.avatica.remote.JsonHandler;
import org.apache.calcite.avatica.remote.ProtobufHandler;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.server.AvaticaHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;

/**
 * One port for everything, closed to web pages of other sites ({@link BrowserGuard}). On a server
 * with users, Jetty has checked the request's user before it gets here; appends need the append
 * role, and JDBC requests run as their user ({@link RequestUser}) for the Meta to check. Every
 * request body is read whole within the server's {@link RequestBudget}.
 * A GET of {@code /events} or {@code /streams/{stream}/events} is a subscription's long poll
 * ({@link SubscriptionHandler}, for the read role); other {@code /streams/...} requests go to the
 * HTTP append API, {@code /admin/...} to the admin API (for the
 * admin role, {@link AdminHandler}), {@code /cancel} to
 * statement cancels ({@link CancelHandler}); every other POST is an Avatica RPC, read whole and
 * handed to the JSON handler if it is a JSON document (it starts with '{') or to the protobuf
 * handler otherwise, and any other method is refused (405). Avatica's clients post both
 * serializations with the same content type, so the body is the only reliable sign. Protobuf
 * requests are answered through {@link ScalarFrameTranslation}, which Avatica's own protobuf
 * handler has no way to take; error replies of either carry no stack trace ({@link ErrorReplies}).
 * Thread-safe.
 */
final class RoutingHandler extends AbstractHandler implements AvaticaHandler {
  /** Where Prometheus scrapes {@link ServerMetrics}. */
  static final String METRICS = "/metrics";
  private final AppendHandler appends;
  private final SubscriptionHandler subscriptions;
  private final AdminHandler admin;
  private final CancelHandler cancels;
  private final BrowserGuard browsers;
  private final ProtobufHandler protobuf;
  private final JsonHandler json;
  private final long maxRequestBytes;
  private final RequestBudget budget;
  private final ServerMetrics metrics;

  /**
   * @param protobuf the service protobuf requests go to
   * @param json the service JSON requests go to, over the same Meta
   */
  RoutingHandler(AppendHandler appends, SubscriptionHandler subscriptions, AdminHandler admin, CancelHandler cancels, BrowserGuard browsers,
      Service protobuf, Service json, ServerLimits limits, ServerMetrics metrics) {
    this.appends = appends;
    this.subscriptions = subscriptions;
    this.admin = admin;
    this.metrics = metrics;
    this.cancels = cancels;
    this.browsers = browsers;
    this.maxRequestBytes = limits.maxRequestBytes();
    this.budget = new RequestBudget(limits.maxRequestBytesInFlight());
    this.protobuf = new ProtobufHandler(protobuf, new ScalarFrameTranslation(), NoopMetricsSystem.getInstance());
    this.json = new JsonHandler(json, NoopMetricsSystem.getInstance());
  }

  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request,
      HttpServletResponse response) throws IOException, ServletException {
    baseRequest.setHandled(true);
    boolean follow = SubscriptionHandler.serves(target, request.getMethod());
    boolean append = !follow && (target.startsWith("/streams/") || target.equals("/streams"));
    long started = System.nanoTime();
    boolean toMeta = false;
    try {
      toMeta = route(target, request, response, append, follow);
    } finally {
      if (append) {
        metrics.append(response.getStatus(), System.nanoTime() - started);
      }
      // A JDBC request's errors are the Meta's to count, by SQLState; its HTTP status says little.
      if (!toMeta && response.getStatus() >= 400) {
        metrics.error("http", Integer.toString(response.getStatus()));
      }
    }
  }

  /** Answers a request; returns whether it went to the Meta as a JDBC request. */
  private boolean route(String target, HttpServletRequest request, HttpServletResponse response, boolean append,
      boolean follow) throws IOException {
    String refusal = browsers.refusal(request);
    if (refusal != null) {
      JsonReplies.error(response, HttpServletResponse.SC_FORBIDDEN, refusal);
      return false;
    }
    RequestUser user = user(request);
    boolean cancel = target.equals(CancelHandler.PATH);
    boolean administer = target.startsWith(AdminHandler.PREFIX);
    if (target.equals(METRICS) && "GET".equals(request.getMethod())) {
      byte[] text = metrics.scrape().getBytes(StandardCharsets.UTF_8);
      reply(response, HttpServletResponse.SC_OK, ServerMetrics.CONTENT_TYPE, text);
      return false;
    }
    if (follow) {
      // A subscription reads no body, so it holds none of the request budget while it waits.
      if (!user.roles().contains(Role.READ)) {
        JsonReplies.error(response, HttpServletResponse.SC_FORBIDDEN, user.describe()
            + " may not read events: that takes the read role (annals user add NAME --role read --replace)");
      } else {
        subscriptions.handle(target, request, response);
      }
      return false;
    }
    if (SubscriptionHandler.isAllEvents(target)) {
      response.setHeader("Allow", "GET");
      JsonReplies.error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, request.getMethod() + " " + target
          + " is not served: subscriptions GET it; appends go to POST /streams/{stream}/events");
      return false;
    }
    if (!cancel && !append && !administer && !"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "POST");
      JsonReplies.error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, request.getMethod() + " " + target
          + " is not served: JDBC clients POST Avatica requests to /, appends go to POST /streams/{stream}/events,"
          + " subscriptions GET /events or /streams/{stream}/events");
      return false;
    }
    if (append && !user.roles().contains(Role.APPEND)) {
      JsonReplies.error(response, HttpServletResponse.SC_FORBIDDEN, user.describe()
          + " may not append events: that takes the append role (annals user add NAME --role read,append --replace)");
      return false;
    }
    if (administer && !user.roles().contains(Role.ADMIN)) {
      JsonReplies.error(response, HttpServletResponse.SC_FORBIDDEN, user.describe()
          + " may not use the admin API (erasure, retention): that takes a user with the admin role (annals user add"
          + " NAME --role read,append,admin" + (user.anonymous() ? ", then restart the server with its users file;"
          + " or run annals erase or annals retention on the stopped folder)" : " --replace)"));
      return false;
    }
    try (RequestBudget.Lease lease = budget.lease()) {
      if (cancel) {
        runAs(user, () -> cancels.handle(request, response, lease));
      } else if (administer) {
        admin.handle(target, user, request, response, lease);
      } else if (append) {
        appends.handle(target, request, response, lease);
      } else {
        runAs(user, () -> jdbc(request, response, lease));
        return true;
      }
    } catch (RequestBudget.Spent e) {
      response.setHeader("Retry-After", "1");
      JsonReplies.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, e.getMessage());
    }
    return false;
  }

  private void jdbc(HttpServletRequest request, HttpServletResponse response, RequestBudget.Lease lease)
      throws IOException {
    byte[] body = RequestBodies.readAtMost(request, maxRequestBytes, lease);
    if (body == null) {
      JsonReplies.error(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "a JDBC request may be at most " + maxRequestBytes + " bytes");
      return;
    }
    if (startsWithBrace(body)) {
      Handler.HandlerResponse<String> answer = json.apply(new String(body, StandardCharsets.UTF_8));
      // Only an error reply can hold a trace: a frame of megabytes is not parsed again to look.
      String text = answer.getStatusCode() == HttpServletResponse.SC_OK ? answer.getResponse()
          : ErrorReplies.safeJson(answer.getResponse());
      reply(response, answer.getStatusCode(), "application/json;charset=utf-8",
          text.getBytes(StandardCharsets.UTF_8));
      return;
    }
    // Avatica's handler turns every failure into an error response itself.
    Handler.HandlerResponse<byte[]> answer = protobuf.apply(body);
    reply(response, answer.getStatusCode(), "application/octet-stream;charset=utf-8", answer.getResponse());
  }

  /** The request's user as Jetty authenticated them, with the roles the users file gives them. */
  private static RequestUser user(HttpServletRequest request) {
    if (request.getUserPrincipal() == null) {
      return RequestUser.ANONYMOUS;
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Role role : Role.values()) {
      if (request.isUserInRole(role.label())) {
        roles.add(role);
      }
    }
    return new RequestUser(request.getRemoteUser(), roles);
  }

  private interface Reply {
    void send() throws IOException;
  }

  private static void runAs(RequestUser user, Reply reply) throws IOException {
    try {
      RequestUser.as(user, () -> {
        reply.send();
        return null;
      });
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /**
   * Writes a reply with its length known up front: a client reads a frame of megabytes into one
   * array of the right size instead of growing (and copying) a buffer as chunks arrive.
   */
  private static void reply(HttpServletResponse response, int status, String type, byte[] body) throws IOException {
    response.setContentType(type);
    response.setStatus(status);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
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
    json.setRpcMetadata(metadata);
  }
}
