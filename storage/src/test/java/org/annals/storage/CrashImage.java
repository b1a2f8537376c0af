package org.annals.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a crash would leave of an open store: a copy of its folder taken while it runs, every
 * acknowledged event durable in it and nothing closed. Its lock file is left out, as a crash
 * leaves no process holding it. Also what the restart benchmark serves in each round.
 */
public final class CrashImage {
  private CrashImage() {}

  public static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("LOCK")) {
          Files.copy(p, target);
        }
      }
    }
  }
}
