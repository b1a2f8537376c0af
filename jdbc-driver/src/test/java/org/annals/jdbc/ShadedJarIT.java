package org.annals.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as a BI tool gets it: what it holds, and that it works with nothing beside it.
 * Runs after package; the jar's path comes from surefire.
 */
class ShadedJarIT {
  static final Path JAR = Path.of(System.getProperty("annals.jdbc.jar"));
  private static final String SERVICES = "META-INF/services/";
  private static final String SHADED = "org/annals/jdbc/shaded/";

  private static List<String> entries;

  @BeforeAll
  static void readEntries() throws IOException {
    assertTrue(Files.isRegularFile(JAR), "no shaded jar at " + JAR);
    try (JarFile jar = new JarFile(JAR.toFile())) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
  }

  /** The jar alone, on the platform class loader: nothing from the test's class path leaks in. */
  static URLClassLoader jarAlone() throws IOException {
    return new URLClassLoader(new URL[] {JAR.toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
  }

  @Test
  void holdsTheDriverAndAvaticaWithEveryDependencyRelocated() {
    for (String expected : List.of(
        "org/annals/jdbc/Driver.class",
        SHADED + "avatica/remote/Driver.class",
        SHADED + "avatica/AvaticaJdbc41Factory.class",
        SHADED + "avatica/proto/Common$WireMessage.class",
        SHADED + "protobuf/Message.class",
        SHADED + "hc/client5/http/impl/classic/CloseableHttpClient.class",
        SHADED + "hc/core5/http/HttpHost.class",
        SHADED + "jackson/core/JsonFactory.class",
        SHADED + "jackson/databind/ObjectMapper.class",
        SHADED + "jackson/annotation/JsonProperty.class",
        SHADED + "slf4j/LoggerFactory.class")) {
      assertTrue(entries.contains(expected), expected + " is missing");
    }
    List<String> unrelocated = entries.stream()
        .filter(e -> e.endsWith(".class") && !e.startsWith("org/annals/jdbc/"))
        .toList();
    assertEquals(List.of(), unrelocated);
  }

  @Test
  void holdsNoCalciteParquetHadoopOrArrow() {
    List<String> forbidden = entries.stream()
        .filter(e -> Stream.of("org/apache/calcite/", "org/apache/parquet/", "org/apache/hadoop/",
            "org/apache/arrow/").anyMatch(e::startsWith))
        .toList();
    assertEquals(List.of(), forbidden);
  }

  @Test
  void holdsNoSignaturesNorModuleDescriptors() {
    List<String> unwanted = entries.stream()
        .filter(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")
            || e.endsWith("module-info.class") || e.startsWith("META-INF/versions/"))
        .toList();
    assertEquals(List.of(), unwanted);
  }

  @Test
  void registersOnlyTheAnnalsDriverAndOnlyRelocatedServices() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertEquals(List.of("org.annals.jdbc.Driver"), providers(jar, SERVICES + "java.sql.Driver"));
      for (String entry : entries) {
        if (!entry.startsWith(SERVICES) || entry.endsWith("/") || entry.endsWith("java.sql.Driver")) {
          continue;
        }
        assertTrue(entry.startsWith(SERVICES + "org.annals.jdbc.shaded."), entry);
        for (String provider : providers(jar, entry)) {
          assertTrue(provider.startsWith("org.annals.jdbc.shaded."), entry + ": " + provider);
        }
      }
    }
  }

  @Test
  void loadsAloneThroughServiceLoaderAndFailsCleanlyWhereNoServerListens() throws Exception {
    try (URLClassLoader loader = jarAlone()) {
      List<Driver> drivers = ServiceLoader.load(Driver.class, loader).stream()
          .map(ServiceLoader.Provider::get)
          .toList();
      assertEquals(1, drivers.size(), drivers.toString());
      Driver driver = drivers.get(0);
      assertEquals("org.annals.jdbc.Driver", driver.getClass().getName());
      assertSame(loader, driver.getClass().getClassLoader());

      assertTrue(driver.acceptsURL("jdbc:annals://localhost:8765"));
      assertFalse(driver.acceptsURL("jdbc:annals:embedded:/var/lib/annals"));
      assertFalse(driver.acceptsURL("jdbc:avatica:remote:url=http://localhost:8765"));

      String[] version = System.getProperty("annals.version").replaceAll("-.*$", "").split("\\.");
      assertEquals(Integer.parseInt(version[0]), driver.getMajorVersion());
      assertEquals(Integer.parseInt(version[1]), driver.getMinorVersion());

      // Avatica loads its JDBC object factory by a string name; shading must have moved it too.
      // The driver's own factory wraps it.
      Object factory = factoryOf(driver);
      assertEquals("org.annals.jdbc.AnnalsFactory", factory.getClass().getName());
      Field avatica = factory.getClass().getDeclaredField("avatica");
      avatica.setAccessible(true);
      assertEquals("org.annals.jdbc.shaded.avatica.AvaticaJdbc41Factory", avatica.get(factory).getClass().getName());

      String url = "jdbc:annals://127.0.0.1:" + LocalPorts.closed();
      SQLException e = assertThrows(SQLException.class, () -> driver.connect(url, new Properties()));
      assertEquals("08001", e.getSQLState());
      assertTrue(e.getMessage().contains("Could not connect to the Annals server"), e.getMessage());
    }
  }

  private static Object factoryOf(Driver driver) throws ReflectiveOperationException {
    Class<?> unregistered = driver.getClass().getSuperclass().getSuperclass();
    assertEquals("org.annals.jdbc.shaded.avatica.UnregisteredDriver", unregistered.getName());
    Field factory = unregistered.getDeclaredField("factory");
    factory.setAccessible(true);
    return factory.get(driver);
  }

  private static List<String> providers(JarFile jar, String entry) throws IOException {
    try (InputStream in = jar.getInputStream(jar.getEntry(entry))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .map(line -> line.replaceAll("#.*", "").trim())
          .filter(line -> !line.isEmpty())
          .toList();
    }
  }
}
