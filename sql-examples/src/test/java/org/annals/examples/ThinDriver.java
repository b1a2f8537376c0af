package org.annals.examples;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;
import java.util.ServiceLoader;

/**
 * The shaded driver jar, loaded alone in its own class loader (parent: the platform loader), the
 * way a BI tool loads a JDBC driver: nothing from the test class path can help it.
 */
public final class ThinDriver {
  private final Driver driver;

  private ThinDriver(Driver driver) {
    this.driver = driver;
  }

  /** Loads the jar named by the {@code annals.driver.jar} system property. */
  public static ThinDriver load() throws Exception {
    String jar = System.getProperty("annals.driver.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("the driver jar " + jar + " is missing: run the build with"
          + " 'mvn verify' so that jdbc-driver is packaged before these tests");
    }
    URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
    for (Driver d : ServiceLoader.load(Driver.class, loader)) {
      if (d.getClass().getClassLoader() == loader) {
        return new ThinDriver(d);
      }
    }
    throw new IllegalStateException("no java.sql.Driver service in " + jar);
  }

  public Driver driver() {
    return driver;
  }

  public Connection connect(String url) throws SQLException {
    return connect(url, new Properties());
  }

  public Connection connect(String url, Properties info) throws SQLException {
    Connection c = driver.connect(url, info);
    if (c == null) {
      throw new SQLException("the driver does not accept " + url);
    }
    return c;
  }
}
