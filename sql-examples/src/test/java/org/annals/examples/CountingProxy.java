package org.annals.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on a local port in front of a server, counting the bytes the server sends back
 * (HTTP headers included): what a result costs on the wire, whatever the client.
 */
public final class CountingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final AtomicLong fromServer = new AtomicLong();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private CountingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "counting-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** A relay to the server on this machine's {@code targetPort}. */
  public static CountingProxy start(int targetPort) throws IOException {
    return new CountingProxy(targetPort);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** The bytes the server has sent since the last call, which starts the count anew. */
  public long takeBytesFromServer() {
    return fromServer.getAndSet(0);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        relay(client.getInputStream(), server.getOutputStream(), null);
        relay(server.getInputStream(), client.getOutputStream(), fromServer);
      } catch (IOException e) {
        // The listener closed, or the server refused: the client sees its connection fail.
      }
    }
  }

  private static void relay(InputStream in, OutputStream out, AtomicLong counter) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (in; out) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          out.write(buffer, 0, n);
          out.flush();
          if (counter != null) {
            counter.addAndGet(n);
          }
        }
      } catch (IOException e) {
        // One side hung up; closing both streams passes that on to the other.
      }
    }, "counting-proxy-relay");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
