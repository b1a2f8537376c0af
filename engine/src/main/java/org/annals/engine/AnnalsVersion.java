package org.annals.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The engine's version, from a properties file Maven fills in at build time. */
public final class AnnalsVersion {
  public static final String VERSION = load();

  private AnnalsVersion() {}

  private static String load() {
    try (InputStream in = AnnalsVersion.class.getResourceAsStream("annals.properties")) {
      if (in == null) {
        throw new IllegalStateException("annals.properties is missing from the engine jar");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The leading number of a version such as 0.1.0-SNAPSHOT, at a position (0 major, 1 minor). */
  public static int part(int index) {
    String[] parts = VERSION.split("[.-]");
    return index < parts.length && parts[index].matches("\\d+") ? Integer.parseInt(parts[index]) : 0;
  }
}
