package org.annals.engine.server;

/**
 * The server's limits and address, each with its default.
 *
 * @param host the address to bind; 127.0.0.1 unless told otherwise, so a server is local until
 *     someone decides to expose it
 * @param port the port for both the JDBC (Avatica) endpoint and the HTTP append API; 0 picks a
 *     free one
 * @param rowsPerFrame rows per JDBC result frame (Avatica's default is 100; thousands keep a
 *     large result from costing one round trip per hundred rows)
 * @param maxRequestBytes the largest HTTP append body accepted; larger ones get 413
 * @param queryTimeoutSeconds how long a statement may run before its scans stop it, 0 for no
 *     limit; a client may ask for less ({@code query_timeout}), never more. It counts from the
 *     statement's execution to its last row read, so it must exceed the longest export.
 * @param idleTimeoutSeconds how long a JDBC connection or statement may go without a request
 *     before the server closes it, with the files and memory its results hold: a client that
 *     vanished without closing them (killed, cut off) leaves nothing behind for longer
 * @param maxConnections how many JDBC connections may be open at once; one more is refused, and
 *     an open one is never closed to make room
 */
public record ServerConfig(String host, int port, int rowsPerFrame, long maxRequestBytes, int queryTimeoutSeconds,
    int idleTimeoutSeconds, int maxConnections) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8765;
  public static final int DEFAULT_ROWS_PER_FRAME = 5_000;
  public static final long DEFAULT_MAX_REQUEST_BYTES = 32L * 1024 * 1024;
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
  /**
   * The most rows a frame carries, whatever a client asks: a frame is held whole in the server's
   * memory while it is serialized, and a client whose fetch size was {@code Integer.MAX_VALUE}
   * (Avatica reads a negative one as no limit at all) would otherwise get the whole result in one
   * frame and exhaust the heap. 10,000 rows of the shop history are about 6 MB of protobuf, and
   * several times that as objects while the frame is built; more rows per frame gain nothing
   * measurable, as a round trip costs well under a millisecond.
   */
  public static final int MAX_ROWS_PER_FRAME = 10_000;
  /**
   * A frame stops taking rows once it holds about this many bytes, however many rows were asked
   * for: the server holds up to two frames of a result (one sent, one built ahead) and the client
   * two (one read, one fetched ahead), so a result costs each side a few megabytes whatever its
   * rows. Frames of 1, 2 and 8 MiB read a {@code SELECT *} at the same speed within this
   * machine's noise; rows of large payloads come in more, smaller frames.
   */
  public static final int MAX_FRAME_BYTES = 2 * 1024 * 1024;
  /**
   * The slowest a client may send a request or read a reply, in bytes per second: a link a
   * thousand times slower than a poor mobile one still passes; a connection that trickles a byte
   * every few seconds to hold a server thread does not.
   */
  public static final long MIN_BYTES_PER_SECOND = 1024;

  public ServerConfig {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535; got " + port);
    }
    if (rowsPerFrame <= 0 || rowsPerFrame > MAX_ROWS_PER_FRAME) {
      throw new IllegalArgumentException("rowsPerFrame must be 1 to " + MAX_ROWS_PER_FRAME + "; got " + rowsPerFrame);
    }
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException("maxRequestBytes must be positive; got " + maxRequestBytes);
    }
    if (queryTimeoutSeconds < 0) {
      throw new IllegalArgumentException("queryTimeoutSeconds must be 0 (no limit) or more; got " + queryTimeoutSeconds);
    }
    if (idleTimeoutSeconds <= 0) {
      throw new IllegalArgumentException("idleTimeoutSeconds must be positive; got " + idleTimeoutSeconds);
    }
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("maxConnections must be positive; got " + maxConnections);
    }
  }

  /** With the default query and idle timeouts. */
  public ServerConfig(String host, int port, int rowsPerFrame, long maxRequestBytes) {
    this(host, port, rowsPerFrame, maxRequestBytes, DEFAULT_QUERY_TIMEOUT_SECONDS, DEFAULT_IDLE_TIMEOUT_SECONDS,
        DEFAULT_MAX_CONNECTIONS);
  }

  public ServerConfig withQueryTimeoutSeconds(int seconds) {
    return new ServerConfig(host, port, rowsPerFrame, maxRequestBytes, seconds, idleTimeoutSeconds, maxConnections);
  }

  public ServerConfig withIdleTimeoutSeconds(int seconds) {
    return new ServerConfig(host, port, rowsPerFrame, maxRequestBytes, queryTimeoutSeconds, seconds, maxConnections);
  }

  public ServerConfig withMaxConnections(int connections) {
    return new ServerConfig(host, port, rowsPerFrame, maxRequestBytes, queryTimeoutSeconds, idleTimeoutSeconds,
        connections);
  }

  public static ServerConfig defaults(String host, int port) {
    return new ServerConfig(host, port, DEFAULT_ROWS_PER_FRAME, DEFAULT_MAX_REQUEST_BYTES);
  }
}
