package org.annals.storage.fs;

import java.io.Closeable;
import java.io.IOException;

/** Closing several things at once. Stateless. */
public final class Closeables {
  private Closeables() {}

  /**
   * Closes every one, even after one fails: the first failure is thrown, with the later ones
   * suppressed in it, so that no file handle is left open because another would not close.
   */
  public static void closeAll(Iterable<? extends Closeable> all) throws IOException {
    IOException first = null;
    for (Closeable c : all) {
      try {
        c.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
