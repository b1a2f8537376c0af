package org.annals.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.HttpServer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shaded driver, loaded alone, against a real unshaded Avatica server (Calcite behind
 * JdbcMeta) in both serializations: queries work, which properties the server receives, and how
 * server errors reach the client.
 */
class ShadedJarRoundTripIT {
  private static final String REFUSED_SQL = "SELECT 'refused by the test server'";
  private static final String REFUSED_USER = "intruder";

  private static final Map<Serialization, HttpServer> SERVERS = new EnumMap<>(Serialization.class);
  private static TestService service;
  private static URLClassLoader loader;
  private static Driver driver;

  @BeforeAll
  static void start() throws Exception {
    service = new TestService(new JdbcMeta("jdbc:calcite:"));
    for (Serialization serialization : Serialization.values()) {
      HttpServer server = new HttpServer.Builder<Server>()
          .withHandler(service, serialization)
          .withPort(0)
          .withServerCustomizers(List.of(ShadedJarRoundTripIT::loopbackOnly), Server.class)
          .build();
      server.start();
      SERVERS.put(serialization, server);
    }
    loader = ShadedJarIT.jarAlone();
    driver = ServiceLoader.load(Driver.class, loader).findFirst().orElseThrow();
  }

  private static void loopbackOnly(Server server) {
    ((ServerConnector) server.getConnectors()[0]).setHost("127.0.0.1");
  }

  @AfterAll
  static void stop() throws Exception {
    SERVERS.values().forEach(HttpServer::stop);
    loader.close();
  }

  private static String url(Serialization serialization) {
    return "jdbc:annals://127.0.0.1:" + SERVERS.get(serialization).getPort()
        + "/?serialization=" + serialization.name().toLowerCase(Locale.ROOT);
  }

  private static Connection connect(Serialization serialization, Properties info)
      throws SQLException {
    return driver.connect(url(serialization), info);
  }

  @ParameterizedTest
  @EnumSource(Serialization.class)
  void runsAQuery(Serialization serialization) throws SQLException {
    try (Connection connection = connect(serialization, new Properties());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS t (n, word) ORDER BY n")) {
      assertTrue(rows.next());
      assertEquals(1, rows.getInt(1));
      assertEquals("one", rows.getString(2));
      assertTrue(rows.next());
      assertEquals(2, rows.getInt(1));
      assertEquals("two", rows.getString(2));
      assertFalse(rows.next());

      DatabaseMetaData metaData = connection.getMetaData();
      assertEquals(url(serialization), metaData.getURL());
      assertEquals("Annals JDBC Driver", metaData.getDriverName());
      assertEquals("Annals", metaData.getDatabaseProductName());
    }
  }

  /**
   * A result of many frames (Avatica's first frame holds 100 rows, each fetch the fetch size)
   * arrives whole and in order, with the driver fetching ahead, from a stock server. (A fetch
   * size of 0 ends such a result after its first frame, with Avatica's own client too.)
   */
  @ParameterizedTest
  @EnumSource(Serialization.class)
  void readsAResultOfManyFramesWholeAndInOrder(Serialization serialization) throws SQLException {
    String digits = "(VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9))";
    String sql = "SELECT a.d * 100 + b.d * 10 + c.d FROM " + digits + " AS a (d), " + digits + " AS b (d), "
        + digits + " AS c (d) ORDER BY 1";
    for (int fetchSize : new int[] {7, 250}) {
      try (Connection connection = connect(serialization, new Properties());
          Statement statement = connection.createStatement()) {
        statement.setFetchSize(fetchSize);
        try (ResultSet rows = statement.executeQuery(sql)) {
          for (int expected = 0; expected < 1000; expected++) {
            assertTrue(rows.next(), "row " + expected + " with fetch size " + fetchSize);
            assertEquals(expected, rows.getInt(1));
          }
          assertFalse(rows.next());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Serialization.class)
  void sendsTheCallersPropertiesButNotAvaticasClientSettingsNorThePassword(Serialization serialization)
      throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "ann");
    info.setProperty("password", "secret");
    info.setProperty("annals.custom", "x");
    info.setProperty("url", "http://elsewhere:1");
    info.setProperty("http_connection_timeout", "5000");
    try (Connection connection = connect(serialization, info)) {
      assertFalse(connection.isClosed());
      // The password travels only as HTTP BASIC authentication, which this server does not ask for.
      assertEquals(Map.of("user", "ann", "annals.custom", "x", "frames", "columns"), service.lastOpenInfo);
    }
  }

  @ParameterizedTest
  @EnumSource(Serialization.class)
  void aServerErrorWithAnSqlStateKeepsItsStateCodeAndMessage(Serialization serialization)
      throws SQLException {
    try (Connection connection = connect(serialization, new Properties());
        Statement statement = connection.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> statement.executeQuery(REFUSED_SQL));
      assertEquals("42S02", e.getSQLState());
      assertEquals(42, e.getErrorCode());
      assertTrue(e.getMessage().contains("refused by the test server"), e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Serialization.class)
  void aServerErrorWithoutAnSqlStateArrivesAs00000(Serialization serialization)
      throws SQLException {
    try (Connection connection = connect(serialization, new Properties());
        Statement statement = connection.createStatement()) {
      SQLException e = assertThrows(SQLException.class,
          () -> statement.executeQuery("SELECT * FROM no_such_table"));
      assertEquals("00000", e.getSQLState());
      assertEquals(-1, e.getErrorCode());
      assertTrue(e.getMessage().contains("NO_SUCH_TABLE"), e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Serialization.class)
  void aServerThatRefusesTheConnectionGivesItsSqlState(Serialization serialization) {
    Properties info = new Properties();
    info.setProperty("user", REFUSED_USER);
    SQLException e = assertThrows(SQLException.class, () -> connect(serialization, info));
    assertEquals("28000", e.getSQLState());
    assertTrue(e.getMessage().contains("user intruder may not connect"), e.getMessage());
  }

  /** Calcite behind Avatica, with a record of what each connection sends and two refusals. */
  private static final class TestService extends LocalService {
    volatile Map<String, String> lastOpenInfo;

    TestService(JdbcMeta meta) {
      super(meta);
    }

    @Override
    public OpenConnectionResponse apply(OpenConnectionRequest request) {
      lastOpenInfo = request.info == null ? Map.of() : Map.copyOf(request.info);
      if (REFUSED_USER.equals(lastOpenInfo.get("user"))) {
        throw new AvaticaRuntimeException("user intruder may not connect", 28, "28000",
            AvaticaSeverity.ERROR);
      }
      return super.apply(request);
    }

    @Override
    public ExecuteResponse apply(PrepareAndExecuteRequest request) {
      if (REFUSED_SQL.equals(request.sql)) {
        throw new AvaticaRuntimeException("refused by the test server", 42, "42S02",
            AvaticaSeverity.ERROR);
      }
      return super.apply(request);
    }
  }
}
