package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few hundred connections that trickle a request body a byte a second (more than the server
 * has request threads) do not starve the rest: the server cuts them off below its minimum data
 * rate, and an append and a JDBC query meanwhile are answered as usual.
 */
class SlowClientsTest {
  private static final int TRICKLING = 300;

  @TempDir static Path dir;
  private static ShopServer shop;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 200, 0, 100);
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  @Test
  void tricklingConnectionsDoNotStarveTheRest() throws Exception {
    List<Socket> slow = new ArrayList<>();
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try {
      for (int i = 0; i < TRICKLING; i++) {
        Socket socket = new Socket("127.0.0.1", shop.server.port());
        socket.getOutputStream().write(("POST /streams/slow/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[").getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      trickle.scheduleAtFixedRate(() -> slow.forEach(SlowClientsTest::oneByte), 1, 1, TimeUnit.SECONDS);
      Thread.sleep(3_000);
      long before = shop.store.eventCount();
      assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
        HttpResponse<String> append = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(shop.server.url() + "/streams/orders/events")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("[{\"event_type\":\"Fast\",\"payload\":{}}]")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, append.statusCode(), append.body());
        try (Connection c = ThinDriver.load().connect(shop.jdbcUrl()); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
          rs.next();
          assertEquals(before + 1, rs.getLong(1));
        }
      });
    } finally {
      trickle.shutdownNow();
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  private static void oneByte(Socket socket) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(' ');
      out.flush();
    } catch (IOException cutOff) {
      // The server closed it, as it should.
    }
  }
}
