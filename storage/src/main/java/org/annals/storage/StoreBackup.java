package org.annals.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.fs.Durable;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.manifest.ManifestStore;
import org.annals.storage.wal.WalSegments;

/**
 * A consistent copy of a data folder, taken beside the store that has it open (a running
 * server) without stopping its appends, flushes or compactions, and without taking its lock:
 *
 * <ol>
 *   <li>read the newest manifest;
 *   <li>copy the Parquet files it lists (a committed file never changes);
 *   <li>copy the WAL segments from the one holding the manifest's covered position on, as
 *       listed once: each but the last was complete when listed, and the last may end in a torn
 *       record, which opening the copy truncates;
 *   <li>write the manifest into the copy, last, and fsync everything.
 * </ol>
 *
 * If the store moves on in between (a compaction deletes a listed file, a flush deletes a
 * segment the copy needs), the copy starts again from the newer manifest, keeping the files it
 * already has. The copy holds every event acknowledged before the backup began, and opens like
 * the original after a crash at that moment. Stateless.
 */
public final class StoreBackup {
  /** Tries before giving up on a store that keeps changing faster than it can be copied. */
  static final int ATTEMPTS = 20;

  /**
   * What was copied.
   *
   * @param attempts how many times the copy started over because the store moved on
   */
  public record Result(long manifestVersion, long coveredGlobalSeq, int files, long fileBytes, int walSegments,
      long walBytes, int attempts) {}

  private StoreBackup() {}

  /**
   * Copies the data folder {@code from} into {@code to}, which must not exist or be empty.
   *
   * @throws IOException if {@code from} is not a data folder, {@code to} holds anything, or a copy
   *     fails
   */
  public static Result copy(Path from, Path to) throws IOException {
    DataFolder source = new DataFolder(from);
    DataFolder target = new DataFolder(to);
    source.requireExisting();
    if (source.root().equals(target.root()) || target.root().startsWith(source.root())) {
      throw new IOException("the backup must go outside the data folder " + source.root() + "; got " + to);
    }
    if (Files.exists(target.root()) && !isEmptyFolder(target.root())) {
      throw new IOException("the backup folder " + to + " is not empty; give a new or empty folder");
    }
    Durable.createDirectories(target.events());
    Durable.createDirectories(target.wal());
    Durable.createDirectories(target.manifests());
    ManifestStore manifests = new ManifestStore(source.manifests());
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Manifest m;
      try {
        m = manifests.readNewest();
      } catch (NoSuchFileException committedMeanwhile) {
        continue;
      }
      String missing;
      try {
        Result copied = copyAt(m, source, target, attempt);
        if (copied != null) {
          return copied;
        }
        missing = "the WAL segment holding global_seq " + m.coveredGlobalSeq();
      } catch (NoSuchFileException gone) {
        missing = source.relativize(Path.of(gone.getFile()));
      }
      // Gone because the store committed again (it moved on), or missing from a damaged folder.
      if (stillNewest(manifests, m)) {
        throw new IOException(missing + " is missing, and manifest " + m.version() + ", still the newest, needs it:"
            + " the data folder is damaged (opening it names what is wrong); restore it from an earlier backup");
      }
    }
    throw new IOException("the store at " + from + " changed under the backup " + ATTEMPTS
        + " times in a row (a flush or compaction each time); try again");
  }

  /** Copies one manifest's state; null if the log has already moved past it. */
  private static Result copyAt(Manifest m, DataFolder source, DataFolder target, int attempt) throws IOException {
    List<WalSegments.Segment> all = WalSegments.list(source.wal());
    int first = firstNeeded(all, m.coveredGlobalSeq());
    if (first < 0) {
      return null;
    }
    Set<String> listed = new HashSet<>();
    long fileBytes = 0;
    for (DataFile f : m.files()) {
      listed.add(f.path());
      Path copy = target.resolve(f.path());
      if (!Files.exists(copy) || Files.size(copy) != f.bytes()) {
        copyDurably(source.resolve(f.path()), copy);
      }
      fileBytes += f.bytes();
    }
    deleteUnlisted(target, listed);
    List<WalSegments.Segment> needed = all.subList(first, all.size());
    for (WalSegments.Segment s : WalSegments.list(target.wal())) {
      Files.delete(s.path());
    }
    long walBytes = 0;
    for (WalSegments.Segment s : needed) {
      Path copy = WalSegments.path(target.wal(), s.firstGlobalSeq());
      copyDurably(s.path(), copy);
      walBytes += Files.size(copy);
    }
    Durable.forceDirectory(target.wal());
    new ManifestStore(target.manifests()).commit(m);
    return new Result(m.version(), m.coveredGlobalSeq(), m.files().size(), fileBytes, needed.size(), walBytes,
        attempt);
  }

  /** Whether the manifest is still the newest: the store has not committed since it was read. */
  private static boolean stillNewest(ManifestStore manifests, Manifest m) throws IOException {
    try {
      return manifests.readNewest().version() == m.version();
    } catch (NoSuchFileException committedMeanwhile) {
      return false;
    }
  }

  /**
   * The index of the segment holding {@code covered} (the last that starts at or below it), or -1
   * if the log no longer reaches back that far: a flush committed since the manifest was read.
   */
  private static int firstNeeded(List<WalSegments.Segment> segments, long covered) {
    int found = -1;
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i).firstGlobalSeq() <= covered) {
        found = i;
      }
    }
    return found;
  }

  private static void copyDurably(Path from, Path to) throws IOException {
    Durable.createDirectories(to.getParent());
    Path temp = to.resolveSibling("." + to.getFileName() + ".tmp");
    Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
    Durable.forceFile(temp);
    Files.move(temp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Durable.forceDirectory(to.getParent());
  }

  /** Removes files an earlier attempt copied that this manifest no longer lists. */
  private static void deleteUnlisted(DataFolder target, Set<String> listed) throws IOException {
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(target.events())) {
      walk.filter(Files::isRegularFile).filter(p -> !listed.contains(target.relativize(p))).forEach(stale::add);
    }
    for (Path p : stale) {
      Files.delete(p);
    }
  }

  private static boolean isEmptyFolder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
