package org.annals.engine.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.annals.engine.security.Role;
import org.annals.engine.sql.AsOf;

/**
 * The connection properties a client may set, and the Calcite settings Annals always uses. A
 * client may never choose a model, schema, schema factory, function library, parser, type system
 * or any class: Calcite would read files or load classes for those. Anything outside the
 * allow-list is refused with SQLState 08001, naming the property and the allowed ones.
 */
public final class ClientProperties {
  /**
   * Whether the connection's queries push work into storage scans: {@code true} (the default)
   * or {@code false}, which makes Calcite filter and aggregate every row itself; for comparing
   * answers and plans, never faster.
   */
  public static final String PUSHDOWN = "pushdown";

  /**
   * How a remote protobuf client takes result frames: {@code rows}, Avatica's (the default, which
   * every Avatica client reads), or {@code columns}, smaller, which only the Annals driver reads and
   * asks for. Embedded and JSON connections check the value and otherwise ignore it.
   */
  public static final String FRAMES = "frames";

  /**
   * How many seconds a statement may run before its scans stop it (SQLState 57014): a whole
   * number, 0 for no limit. On a server, a client may shorten the server's {@code --query-timeout}
   * but not lengthen it.
   */
  public static final String QUERY_TIMEOUT = "query_timeout";

  /**
   * What the connection may do: a comma-separated list of {@code read} and {@code append}, all by
   * default. On a server, a client may ask for fewer roles than its user has, never more.
   */
  public static final String ROLES = "roles";

  /**
   * The moment in the log the connection reads ({@link AsOf}): a global_seq, or a UTC timestamp;
   * unset, the store as it is. Such a connection appends nothing.
   */
  public static final String AS_OF = "as_of";

  /**
   * What a client may send: credentials (which reach a server as HTTP BASIC authentication, never
   * as properties), Avatica's own client settings, which stay on the client, {@link #PUSHDOWN},
   * {@link #FRAMES}, {@link #QUERY_TIMEOUT}, {@link #ROLES} and {@link #AS_OF}.
   */
  public static final Set<String> ALLOWED = Set.of("user", "password", "url", "serialization",
      "avatica_user", "avatica_password", "authentication", PUSHDOWN, FRAMES, QUERY_TIMEOUT, ROLES, AS_OF);

  /** Internal: the data folder of an embedded connection. */
  static final String DATA_FOLDER = "annals.dataFolder";
  /** Internal: the connection's {@link #PUSHDOWN} setting, checked. */
  static final String PUSHDOWN_SETTING = "annals.pushdown";
  /** Internal: the connection's {@link #QUERY_TIMEOUT}, checked, in seconds. */
  static final String QUERY_TIMEOUT_SETTING = "annals.queryTimeout";
  /** Internal: the connection's {@link #ROLES}, checked. */
  static final String ROLES_SETTING = "annals.roles";
  /** Internal: the connection's {@link #AS_OF}, checked, as the client wrote it. */
  static final String AS_OF_SETTING = "annals.asOf";

  private ClientProperties() {}

  /** Refuses a client's properties unless every one is on the allow-list. */
  public static void check(Properties client) throws SQLException {
    if (client == null) {
      return;
    }
    for (String name : client.stringPropertyNames()) {
      if (!ALLOWED.contains(name)) {
        throw new SQLException("connection property '" + name + "' is not allowed; Annals accepts"
            + " only " + List.copyOf(new java.util.TreeSet<>(ALLOWED)) + " (schemas, models,"
            + " factories and functions are fixed by the server)", "08001");
      }
    }
  }

  /** The client's {@link #PUSHDOWN} setting: true unless it says false; anything else is refused. */
  public static boolean pushdown(Properties client) throws SQLException {
    return !saysOther(client, PUSHDOWN, "true", "false");
  }

  /** Whether the client asks for {@link #FRAMES} in columns; anything but rows or columns is refused. */
  public static boolean columnFrames(Properties client) throws SQLException {
    return saysOther(client, FRAMES, "rows", "columns");
  }

  /** The client's {@link #ROLES}, every role if it names none; an unknown role is refused. */
  public static Set<Role> roles(Properties client) throws SQLException {
    String value = client == null ? null : client.getProperty(ROLES);
    if (value == null) {
      return Role.all();
    }
    try {
      return Role.parseList(value);
    } catch (IllegalArgumentException e) {
      throw new SQLException("connection property " + ROLES + ": " + e.getMessage(), "08001");
    }
  }

  /** The client's {@link #AS_OF}, {@link AsOf#NOW} if it sets none; a value of neither form is refused. */
  public static AsOf asOf(Properties client) throws SQLException {
    String value = client == null ? null : client.getProperty(AS_OF);
    if (value == null) {
      return AsOf.NOW;
    }
    try {
      return AsOf.parse(value);
    } catch (IllegalArgumentException e) {
      throw new SQLException("connection property '" + AS_OF + "': " + e.getMessage(), "08001");
    }
  }

  /** The client's {@link #QUERY_TIMEOUT} in seconds, 0 if it sets none; anything but a whole number from 0 is refused. */
  public static int queryTimeoutSeconds(Properties client) throws SQLException {
    String value = client == null ? null : client.getProperty(QUERY_TIMEOUT);
    if (value == null) {
      return 0;
    }
    try {
      int seconds = Integer.parseInt(value.trim());
      if (seconds >= 0) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // Refused below, with what is allowed.
    }
    throw new SQLException("connection property 'query_timeout' is '" + value + "'; it takes a whole number of"
        + " seconds, 0 for no limit", "08001");
  }

  /**
   * Whether a two-valued property says {@code other} rather than {@code usual} (which its absence
   * means too); any other value is refused, naming the two.
   */
  private static boolean saysOther(Properties client, String name, String usual, String other) throws SQLException {
    String value = client == null ? null : client.getProperty(name);
    if (value == null || value.equalsIgnoreCase(usual)) {
      return false;
    }
    if (value.equalsIgnoreCase(other)) {
      return true;
    }
    throw new SQLException("connection property '" + name + "' is '" + value + "'; it takes " + usual + " or "
        + other, "08001");
  }

  /** The properties Calcite gets: Annals's fixed settings, nothing from the client. */
  static Properties calciteSettings() {
    Properties p = new Properties();
    // Unquoted identifiers are folded to lower case, the case of every Annals name, so that
    // SELECT entity_id FROM events works as written and quoted names still match exactly.
    p.setProperty("quoting", "DOUBLE_QUOTE");
    p.setProperty("unquotedCasing", "TO_LOWER");
    p.setProperty("quotedCasing", "UNCHANGED");
    p.setProperty("caseSensitive", "true");
    // recorded_at is UTC; JDBC clients see it as stored, whatever the JVM's zone.
    p.setProperty("timeZone", "UTC");
    // PostgreSQL's functions beside the standard's (CONCAT, LENGTH, ILIKE, DATE_TRUNC, ...): the
    // dialect BI tools and SQL developers most often write.
    p.setProperty("fun", "standard,postgresql");
    // GROUP BY 1 and GROUP BY alias, as PostgreSQL, DuckDB and BI tools' generated SQL use them.
    p.setProperty("conformance", "LENIENT");
    p.setProperty("parserFactory", AnnalsParserImpl.class.getName() + "#FACTORY");
    p.setProperty("typeSystem", AnnalsTypeSystem.class.getName() + "#INSTANCE");
    return p;
  }
}
