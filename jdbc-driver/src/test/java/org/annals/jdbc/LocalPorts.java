package org.annals.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for tests that need a server not to be there. */
final class LocalPorts {
  private LocalPorts() {}

  /** A loopback port that nothing listens on. */
  static int closed() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
