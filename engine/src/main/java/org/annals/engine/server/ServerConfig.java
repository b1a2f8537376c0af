package org.annals.engine.server;

/**
 * Where the server listens, what it lets clients use and who may reach it.
 *
 * @param host the address to bind; 127.0.0.1 unless told otherwise, so a server is local until
 *     someone decides to expose it
 * @param port the port for both the JDBC (Avatica) endpoint and the HTTP append API; 0 picks a
 *     free one
 */
public record ServerConfig(String host, int port, ServerLimits limits, ServerSecurity security) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8765;
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
  }

  /** Default limits, no users, no TLS. */
  public static ServerConfig defaults(String host, int port) {
    return new ServerConfig(host, port, ServerLimits.defaults(), ServerSecurity.none());
  }

  public ServerConfig withLimits(ServerLimits changed) {
    return new ServerConfig(host, port, changed, security);
  }

  public ServerConfig withSecurity(ServerSecurity changed) {
    return new ServerConfig(host, port, limits, changed);
  }
}
