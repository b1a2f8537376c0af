package org.annals.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    // The log's durable mark first: the segments copied after it reach at least as far, as on a
    // disk, where the mark is written only once the log holds what it claims.
    Path mark = from.resolve("wal").resolve("DURABLE");
    Path markCopy = to.resolve("wal").resolve("DURABLE");
    Files.createDirectories(markCopy.getParent());
    try {
      Files.copy(mark, markCopy);
    } catch (NoSuchFileException none) {
      // no mark written yet
    }
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("LOCK") && !p.equals(mark)) {
          Files.copy(p, target);
        }
      }
    }
  }
}
