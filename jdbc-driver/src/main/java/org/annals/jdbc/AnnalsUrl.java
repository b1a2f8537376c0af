package org.annals.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.remote.Driver.Serialization;

/**
 * A parsed {@code jdbc:annals://host:port[/][?ssl=true|false][&serialization=protobuf|json][&pushdown=true|false][&as_of=...]}:
 * where the Annals server listens, whether over HTTPS, which of Avatica's serializations to speak
 * (protobuf unless the URL says json), whether the server pushes work into its storage scans
 * (the server's {@code pushdown} connection property) and the moment in the log the connection
 * reads (its {@code as_of} property, percent-decoded; the server checks it): for tools that take
 * only a URL.
 *
 * @param host a host name, an IPv4 address or a bracketed IPv6 address, as written in the URL
 * @param ssl whether to speak HTTPS, checking the server's certificate against the trust store
 * @param pushdown "true" or "false" as the URL gives it, or null when it does not
 * @param asOf the {@code as_of} value as the URL gives it, decoded, or null when it does not
 */
record AnnalsUrl(String host, int port, boolean ssl, Serialization serialization, String pushdown, String asOf) {
  static final String PREFIX = "jdbc:annals://";
  static final String FORM = PREFIX
      + "host:port[/][?ssl=true|false][&serialization=protobuf|json][&pushdown=true|false][&as_of=global_seq|timestamp]";
  static final String PUSHDOWN = "pushdown";
  static final String AS_OF = "as_of";
  static final String SSL = "ssl";

  /** Host names as DNS and container runtimes write them (underscores included), or IPv4. */
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+]");
  private static final String SERIALIZATION = "serialization";

  /** Parses a URL that starts with {@link #PREFIX}; anything else in it is refused with 08001. */
  static AnnalsUrl parse(String url) throws SQLException {
    if (!url.startsWith(PREFIX)) {
      throw invalid(url, "it does not start with " + PREFIX);
    }
    String rest = url.substring(PREFIX.length());
    int question = rest.indexOf('?');
    String address = question < 0 ? rest : rest.substring(0, question);
    if (address.endsWith("/")) {
      address = address.substring(0, address.length() - 1);
    }
    int slash = address.indexOf('/');
    if (slash >= 0) {
      throw invalid(url,
          "a path ('" + address.substring(slash) + "') is not allowed after host:port");
    }
    int colon = address.startsWith("[") ? ipv6PortColon(address) : address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    if (host.isEmpty()) {
      throw invalid(url, "there is no host");
    }
    if (!HOST_NAME.matcher(host).matches() && !IPV6.matcher(host).matches()) {
      throw invalid(url, "'" + host + "' is not a host name, an IPv4 address or a bracketed IPv6"
          + " address");
    }
    if (colon < 0) {
      throw invalid(url, "there is no port");
    }
    int port = port(url, address.substring(colon + 1));
    Map<String, String> query = question < 0 ? Map.of() : query(url, rest.substring(question + 1));
    return new AnnalsUrl(host, port, "true".equals(flag(url, SSL, query.get(SSL))),
        serialization(url, query.get(SERIALIZATION)), flag(url, PUSHDOWN, query.get(PUSHDOWN)),
        decoded(url, query.get(AS_OF)));
  }

  /** The server's address as Avatica's {@code url} property wants it. */
  String httpUrl() {
    return (ssl ? "https://" : "http://") + host + ":" + port;
  }

  /** The colon after the closing bracket of {@code [v6 address]:port}, or -1 if there is none. */
  private static int ipv6PortColon(String address) {
    int close = address.indexOf(']');
    return close >= 0 && address.startsWith(":", close + 1) ? close + 1 : -1;
  }

  private static int port(String url, String text) throws SQLException {
    if (text.isEmpty()) {
      throw invalid(url, "there is no port");
    }
    if (!text.chars().allMatch(c -> c >= '0' && c <= '9') || text.length() > 5) {
      throw invalid(url, "the port '" + text + "' is not a number from 1 to 65535");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw invalid(url, "the port " + port + " is out of range 1 to 65535");
    }
    return port;
  }

  /** The query's parameters by name; an unknown or repeated one is refused. */
  private static Map<String, String> query(String url, String query) throws SQLException {
    Map<String, String> values = new HashMap<>();
    for (String parameter : query.split("&", -1)) {
      int equals = parameter.indexOf('=');
      String name = equals < 0 ? parameter : parameter.substring(0, equals);
      if (!name.equals(SERIALIZATION) && !name.equals(PUSHDOWN) && !name.equals(SSL) && !name.equals(AS_OF)) {
        throw invalid(url, "'" + name + "' is not a known query parameter; the known ones are '"
            + SSL + "', '" + SERIALIZATION + "', '" + PUSHDOWN + "' and '" + AS_OF + "'");
      }
      if (values.put(name, equals < 0 ? "" : parameter.substring(equals + 1)) != null) {
        throw invalid(url, "'" + name + "' is given more than once");
      }
    }
    return values;
  }

  private static Serialization serialization(String url, String value) throws SQLException {
    if (value == null) {
      return Serialization.PROTOBUF;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "protobuf" -> Serialization.PROTOBUF;
      case "json" -> Serialization.JSON;
      default -> throw invalid(url, "'" + value + "' is not a serialization; use protobuf or json");
    };
  }

  /** A parameter's value with its %XX escapes (a timestamp's space is %20) decoded, or null. */
  private static String decoded(String url, String value) throws SQLException {
    if (value == null) {
      return null;
    }
    try {
      return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(url, "'" + value + "' has a broken %-escape");
    }
  }

  /** A true-or-false parameter, lower-cased, or null when the URL does not give it. */
  private static String flag(String url, String name, String value) throws SQLException {
    if (value == null) {
      return null;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (!lower.equals("true") && !lower.equals("false")) {
      throw invalid(url, "'" + value + "' is not a " + name + " setting; use true or false");
    }
    return lower;
  }

  private static SQLException invalid(String url, String problem) {
    return new SQLException(
        "Invalid Annals JDBC URL '" + url + "': " + problem + ". Expected " + FORM, "08001");
  }
}
