package org.annals.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DriverTest {
  private final Driver driver = new Driver();

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:annals://localhost:8765", "jdbc:annals://", "jdbc:annals://x"})
  void acceptsItsOwnPrefixEvenWhenTheRestIsWrong(String url) throws SQLException {
    assertTrue(driver.acceptsURL(url));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "jdbc:annals:embedded:/var/lib/annals",
      "jdbc:annals:embedded://localhost:8765",
      "jdbc:annals:",
      "jdbc:annals:/localhost:8765",
      "JDBC:ANNALS://localhost:8765",
      "jdbc:avatica:remote:url=http://localhost:8765",
      "jdbc:postgresql://localhost:5432/db",
      ""})
  void leavesOtherUrlsToOtherDrivers(String url) throws SQLException {
    assertFalse(driver.acceptsURL(url));
    assertNull(driver.connect(url, new Properties()));
  }

  @Test
  void refusesAMalformedUrlOnConnectWith08001() {
    SQLException e = assertThrows(SQLException.class,
        () -> driver.connect("jdbc:annals://localhost", new Properties()));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("there is no port"), e.getMessage());
  }

  @Test
  void versionComesFromTheFilteredPropertiesFile() {
    String projectVersion = System.getProperty("annals.version");
    assertNotNull(projectVersion, "surefire passes annals.version");
    String[] parts = projectVersion.replaceAll("-.*$", "").split("\\.");

    DriverVersion version = driver.getDriverVersion();
    assertEquals("Annals JDBC Driver", version.name);
    assertEquals(projectVersion, version.versionString);
    assertEquals("Annals", version.productName);
    assertEquals(projectVersion, version.productVersion);
    assertEquals(Integer.parseInt(parts[0]), driver.getMajorVersion());
    assertEquals(Integer.parseInt(parts[1]), driver.getMinorVersion());
    assertFalse(driver.jdbcCompliant());
  }

  @Test
  void theUrlDecidesAddressSerializationAndServiceFactoryOverTheCallersProperties() {
    Properties info = new Properties();
    info.setProperty("user", "ann");
    info.setProperty("url", "http://elsewhere:1");
    info.setProperty("serialization", "json");
    info.setProperty("factory", "com.example.Factory");

    Properties avatica = Driver.avaticaProperties(
        new AnnalsUrl("localhost", 8765, false, Serialization.PROTOBUF, null, null), info);

    assertEquals("ann", avatica.getProperty("user"));
    assertEquals("http://localhost:8765", avatica.getProperty("url"));
    assertEquals("PROTOBUF", avatica.getProperty("serialization"));
    assertEquals(ClientServiceFactory.class.getName(), avatica.getProperty("factory"));
    assertEquals("columns", avatica.getProperty("frames"));
    // The user also becomes Avatica's BASIC user (authentication, avatica_user, avatica_password).
    assertEquals("ann", avatica.getProperty("avatica_user"));
    assertEquals(8, avatica.size());
  }

  @Test
  void userAndPasswordBecomeBasicAuthenticationAndThePasswordIsNeverSentAsAProperty() {
    Properties info = new Properties();
    info.setProperty("user", "ann");
    info.setProperty("password", "s3cret-pass");

    Properties avatica = Driver.avaticaProperties(
        new AnnalsUrl("localhost", 8765, true, Serialization.PROTOBUF, null, null), info);

    assertEquals("BASIC", avatica.getProperty("authentication"));
    assertEquals("ann", avatica.getProperty("avatica_user"));
    assertEquals("s3cret-pass", avatica.getProperty("avatica_password"));
    assertEquals("https://localhost:8765", avatica.getProperty("url"));
    assertEquals(null, avatica.getProperty("password"));
    // What Avatica sends the server as connection properties: no password among them.
    assertFalse(org.apache.calcite.avatica.remote.Service.OpenConnectionRequest.serializeProperties(avatica)
        .containsValue("s3cret-pass"));
  }

  @Test
  void aCallerMayAskForAvaticasRows() {
    Properties info = new Properties();
    info.setProperty("frames", "rows");

    Properties avatica = Driver.avaticaProperties(new AnnalsUrl("localhost", 8765, false, Serialization.PROTOBUF, null, null), info);

    assertEquals("rows", avatica.getProperty("frames"));
  }

  @Test
  void aServerThatIsNotThereIsAnSqlExceptionWith08001() throws IOException {
    int port = LocalPorts.closed();
    String url = "jdbc:annals://127.0.0.1:" + port;

    SQLException e = assertThrows(SQLException.class, () -> driver.connect(url, new Properties()));

    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().startsWith(
        "Could not connect to the Annals server at http://127.0.0.1:" + port), e.getMessage());
  }
}
