package org.annals.engine.server;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServletRequest;

/**
 * Keeps web pages out: a page in a browser on a machine that reaches the server could otherwise
 * append events or run SQL with a cross-site POST (browsers send a {@code text/plain} POST to any
 * address without asking), and a page whose name an attacker points at 127.0.0.1 (DNS rebinding)
 * could read the answers too. Annals serves no pages, so a request a browser sends for a page of
 * another site carries an {@code Origin} that is not the server's, and is refused; a server on a
 * loopback address answers only requests addressed to a loopback name. JDBC drivers, curl and
 * other programs send no {@code Origin}. Thread-safe.
 */
public final class BrowserGuard {
  private static final Pattern ADDRESS = Pattern.compile("[0-9.]+|[0-9A-Fa-f:]+");
  private static final Pattern SCHEME = Pattern.compile("https?://");
  private final boolean loopbackOnly;

  /** @param host the address the server is bound to */
  BrowserGuard(String host) {
    this.loopbackOnly = loopback(host);
  }

  /** Why the request is refused (403), or null if it may go on. */
  String refusal(HttpServletRequest request) {
    String host = request.getHeader("Host");
    if (loopbackOnly && host != null && !loopback(hostName(host))) {
      return "this server answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]), not "
          + host;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && (host == null || !sameHost(origin, host))) {
      return "requests from web pages of other sites are refused (Origin " + origin + ")";
    }
    return null;
  }

  /** Whether an Origin names the host the request was sent to, by either scheme. */
  private static boolean sameHost(String origin, String host) {
    Matcher scheme = SCHEME.matcher(origin);
    return scheme.lookingAt() && origin.substring(scheme.end()).equalsIgnoreCase(host);
  }

  /** The host of a Host header: without its port, an IPv6 address without its brackets. */
  private static String hostName(String header) {
    try {
      String name = URI.create("http://" + header).getHost();
      return name == null ? header : name.replaceAll("^\\[|]$", "");
    } catch (IllegalArgumentException notAHost) {
      return header;
    }
  }

  /** Whether a host name or literal address is this machine's loopback; a name other than localhost is not looked up. */
  public static boolean loopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Only literal addresses: a name would be looked up, and a rebound name resolves to loopback.
    if (!ADDRESS.matcher(host).matches()) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
