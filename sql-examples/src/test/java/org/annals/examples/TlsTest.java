package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.annals.engine.security.PasswordHash;
import org.annals.engine.security.Role;
import org.annals.engine.security.UsersFile;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.server.ServerSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on HTTPS with a certificate of its own (made here with the JDK's keytool), from the
 * outside: the driver with {@code ssl=true} and a trust store reads, curl-like HTTPS clients
 * append; a URL without {@code ssl=true}, or a client that does not trust the certificate, fails
 * at once with 08001 and what to change.
 */
@Timeout(120)
class TlsTest {
  private static final String STORE_PASSWORD = "keystore-password";

  @TempDir static Path dir;
  private static ShopServer shop;
  private static ThinDriver driver;
  private static Path keystore;

  @BeforeAll
  static void start() throws Exception {
    keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "annals", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertEquals(0, keytool.waitFor(), output);
    UsersFile users = new UsersFile(dir.resolve("users.properties"));
    users.put(new UsersFile.User("ann", PasswordHash.of("ann-password".toCharArray()), Role.all()));
    shop = ShopServer.start(dir.resolve("data"), 200, 0, ServerConfig.defaults("127.0.0.1", 0)
        .withSecurity(ServerSecurity.none().withUsers(users.path()).withTls(keystore, STORE_PASSWORD)));
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  private static Properties ann(boolean trusting) {
    Properties info = new Properties();
    info.setProperty("user", "ann");
    info.setProperty("password", "ann-password");
    if (trusting) {
      // The server's keystore holds its certificate, so it serves as the client's trust store too.
      info.setProperty("truststore", keystore.toString());
      info.setProperty("truststore_password", STORE_PASSWORD);
    }
    return info;
  }

  @Test
  void theDriverReadsOverHttpsWithATrustStore() throws SQLException {
    assertTrue(shop.jdbcUrl().endsWith("?ssl=true"), shop.jdbcUrl());
    try (Connection c = driver.connect(shop.jdbcUrl(), ann(true)); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
      rs.next();
      assertEquals(shop.store.eventCount(), rs.getLong(1));
    }
  }

  @Test
  void anHttpsClientAppends() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
      trusted.load(in, STORE_PASSWORD.toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    long before = shop.store.eventCount();
    HttpResponse<String> response = HttpClient.newBuilder().sslContext(tls).build().send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + shop.server.port() + "/streams/audit/events"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ann:ann-password".getBytes()))
            .POST(HttpRequest.BodyPublishers.ofString("[{\"event_type\":\"Checked\",\"entity_id\":\"a\",\"payload\":{}}]"))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(before + 1, shop.store.eventCount());
  }

  @Test
  void aUrlWithoutSslTrueFailsAtOnceSayingWhatToAdd() throws Exception {
    String plain = shop.jdbcUrl().replace("?ssl=true", "");
    SQLException refused = assertThrows(SQLException.class, () -> driver.connect(plain, ann(true)));
    assertEquals("08001", refused.getSQLState());
    assertTrue(refused.getMessage().contains("add ssl=true to the URL"), refused.getMessage());

    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shop.server.port() + "/"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, response.statusCode());
    assertTrue(response.body().contains("this port speaks HTTPS only"), response.body());
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsTold() {
    SQLException refused = assertThrows(SQLException.class, () -> driver.connect(shop.jdbcUrl(), ann(false)));
    assertEquals("08001", refused.getSQLState());
    assertTrue(refused.getMessage().contains("the TLS handshake with the server failed"), refused.getMessage());
    assertTrue(refused.getMessage().contains("truststore"), refused.getMessage());
  }
}
