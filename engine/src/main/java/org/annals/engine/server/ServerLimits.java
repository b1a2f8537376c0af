package org.annals.engine.server;

/**
 * What the server lets any client use, each enforced on the server whatever a client asks, each
 * with a default safe for a server on a network. The fixed limits that are no setting (the most
 * rows and bytes a frame may have, the slowest client) are on {@link ServerConfig}.
 *
 * @param rowsPerFrame rows per JDBC result frame (Avatica's default is 100; thousands keep a
 *     large result from costing one round trip per hundred rows)
 * @param maxRequestBytes the largest HTTP request body accepted, append or JDBC; larger ones get 413
 * @param maxRequestBytesInFlight how many bytes of request bodies the server holds at once, over
 *     every client; a request whose body would pass it waits a little, then gets 503
 * @param queryTimeoutSeconds how long a statement may run before its scans stop it, 0 for no
 *     limit; a client may ask for less ({@code query_timeout}), never more. It counts from the
 *     statement's execution to its last row read, so it must exceed the longest export.
 * @param idleTimeoutSeconds how long a JDBC connection or statement may go without a request
 *     before the server closes it, with the files and memory its results hold: a client that
 *     vanished without closing them (killed, cut off) leaves nothing behind for longer
 * @param maxConnections how many JDBC connections may be open at once; one more is refused, and
 *     an open one is never closed to make room
 * @param maxConnectionsPerUser how many of them one user may hold, so that one user's leaking
 *     pool cannot lock the others out; not applied when the server has no users
 * @param maxStatementsPerConnection how many statements one connection may hold open
 * @param maxSqlChars the longest SQL text a statement may have
 * @param maxSqlDepth how deeply a statement's parentheses may nest
 */
public record ServerLimits(int rowsPerFrame, long maxRequestBytes, long maxRequestBytesInFlight,
    int queryTimeoutSeconds, int idleTimeoutSeconds, int maxConnections, int maxConnectionsPerUser,
    int maxStatementsPerConnection, int maxSqlChars, int maxSqlDepth) {
  public static final int DEFAULT_ROWS_PER_FRAME = 5_000;
  public static final long DEFAULT_MAX_REQUEST_BYTES = 32L * 1024 * 1024;
  /**
   * Four of the largest bodies at once: a body is held whole while it is parsed, at a few times
   * its size as objects, so 128 MiB of bodies cost well under a 1 GiB heap. Before this limit, 120
   * clients posting 30 MB each at once ran the server out of memory.
   */
  public static final long DEFAULT_MAX_REQUEST_BYTES_IN_FLIGHT = 4 * DEFAULT_MAX_REQUEST_BYTES;
  /**
   * An hour: far beyond any export of the store (10.7 M events read in 15 s), short enough that a
   * runaway query whose client has gone does not hold a core for the rest of the day.
   */
  public static final int DEFAULT_QUERY_TIMEOUT_SECONDS = 3_600;
  /** Ten minutes: Avatica's own default for connections, long enough for a person between queries. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 600;
  /**
   * Each open connection holds a Calcite connection, its plans and its results' buffers; 500 of
   * them idle cost about 100 MB of heap, and BI tools keep a few each.
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 500;
  /** A fifth of the server: room for a few users' pools however large the others grow. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 100;
  /** Tools keep a handful per connection; a thousand is a leak, and each holds its plan. */
  public static final int DEFAULT_MAX_STATEMENTS_PER_CONNECTION = 1_000;
  /**
   * A megabyte of SQL: generated queries with IN lists of tens of thousands of values pass; an
   * 11 MB IN list took 93 CPU seconds to plan before it was refused.
   */
  public static final int DEFAULT_MAX_SQL_CHARS = 1024 * 1024;
  /** Deeper than any written or generated query; far short of where the planner's recursion overflows. */
  public static final int DEFAULT_MAX_SQL_DEPTH = 200;

  public ServerLimits {
    positive("rowsPerFrame", rowsPerFrame);
    if (rowsPerFrame > ServerConfig.MAX_ROWS_PER_FRAME) {
      throw new IllegalArgumentException("rowsPerFrame must be at most " + ServerConfig.MAX_ROWS_PER_FRAME
          + "; got " + rowsPerFrame);
    }
    positive("maxRequestBytes", maxRequestBytes);
    if (maxRequestBytesInFlight < maxRequestBytes) {
      throw new IllegalArgumentException("maxRequestBytesInFlight must be at least maxRequestBytes (" + maxRequestBytes
          + "), or the largest request could never be read; got " + maxRequestBytesInFlight);
    }
    if (queryTimeoutSeconds < 0) {
      throw new IllegalArgumentException("queryTimeoutSeconds must be 0 (no limit) or more; got " + queryTimeoutSeconds);
    }
    positive("idleTimeoutSeconds", idleTimeoutSeconds);
    positive("maxConnections", maxConnections);
    positive("maxConnectionsPerUser", maxConnectionsPerUser);
    positive("maxStatementsPerConnection", maxStatementsPerConnection);
    positive("maxSqlChars", maxSqlChars);
    positive("maxSqlDepth", maxSqlDepth);
  }

  public static ServerLimits defaults() {
    return new ServerLimits(DEFAULT_ROWS_PER_FRAME, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES_IN_FLIGHT,
        DEFAULT_QUERY_TIMEOUT_SECONDS, DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_CONNECTIONS_PER_USER, DEFAULT_MAX_STATEMENTS_PER_CONNECTION, DEFAULT_MAX_SQL_CHARS,
        DEFAULT_MAX_SQL_DEPTH);
  }

  public ServerLimits withRowsPerFrame(int rows) {
    return new ServerLimits(rows, maxRequestBytes, maxRequestBytesInFlight, queryTimeoutSeconds, idleTimeoutSeconds,
        maxConnections, maxConnectionsPerUser, maxStatementsPerConnection, maxSqlChars, maxSqlDepth);
  }

  public ServerLimits withRequestBytes(long perRequest, long inFlight) {
    return new ServerLimits(rowsPerFrame, perRequest, inFlight, queryTimeoutSeconds, idleTimeoutSeconds,
        maxConnections, maxConnectionsPerUser, maxStatementsPerConnection, maxSqlChars, maxSqlDepth);
  }

  public ServerLimits withQueryTimeoutSeconds(int seconds) {
    return new ServerLimits(rowsPerFrame, maxRequestBytes, maxRequestBytesInFlight, seconds, idleTimeoutSeconds,
        maxConnections, maxConnectionsPerUser, maxStatementsPerConnection, maxSqlChars, maxSqlDepth);
  }

  public ServerLimits withIdleTimeoutSeconds(int seconds) {
    return new ServerLimits(rowsPerFrame, maxRequestBytes, maxRequestBytesInFlight, queryTimeoutSeconds, seconds,
        maxConnections, maxConnectionsPerUser, maxStatementsPerConnection, maxSqlChars, maxSqlDepth);
  }

  public ServerLimits withConnections(int total, int perUser, int statementsEach) {
    return new ServerLimits(rowsPerFrame, maxRequestBytes, maxRequestBytesInFlight, queryTimeoutSeconds,
        idleTimeoutSeconds, total, perUser, statementsEach, maxSqlChars, maxSqlDepth);
  }

  public ServerLimits withSql(int chars, int depth) {
    return new ServerLimits(rowsPerFrame, maxRequestBytes, maxRequestBytesInFlight, queryTimeoutSeconds,
        idleTimeoutSeconds, maxConnections, maxConnectionsPerUser, maxStatementsPerConnection, chars, depth);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive; got " + value);
    }
  }
}
