package org.annals.storage.fs;

import java.util.Locale;

/**
 * Named moments in the flush, compaction and commit sequences at which a test can make the process die for
 * real. A child JVM started with {@code -Dannals.crashAt=<point>} (the point's
 * {@link #propertyValue()}, e.g. {@code file-written}) halts the first time it reaches that point:
 * no shutdown hooks, no finally blocks, like a power cut as far as the process is concerned.
 * Without the property, {@link #reached} does nothing.
 */
public enum CrashPoint {
  FILE_WRITTEN,
  FILE_FSYNCED,
  FILE_MOVED,
  MANIFEST_WRITTEN,
  MANIFEST_PUBLISHED,
  WAL_DELETED,
  /** After a commit, the files an earlier compaction replaced are deleted. */
  REPLACED_DELETED;

  /** The exit status of a process halted at a crash point. */
  public static final int EXIT_STATUS = 86;

  private static final String ARMED = System.getProperty("annals.crashAt", "");

  public void reached() {
    if (ARMED.equals(propertyValue())) {
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
  }

  /** The value of {@code annals.crashAt} that arms this point, e.g. {@code file-written}. */
  public String propertyValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
