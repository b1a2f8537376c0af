package org.annals.storage.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.annals.storage.fs.CrashPoint;
import org.annals.storage.fs.Durable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and commits manifests in {@code <data>/manifest/<version, 20 digits>.json}.
 *
 * <p>File format: a first line {@code crc32c=<8 hex digits>} over the rest of the file, then the
 * manifest as JSON. A commit writes a temporary file, fsyncs it, publishes it under its version's
 * name with a hard link (which fails rather than replace an existing manifest) and fsyncs the
 * folder: that link is the commit point. The newest manifest whose checksum holds wins on open.
 * The two newest manifests are kept; older ones are deleted after a commit.
 *
 * <p>Not thread-safe: one commit at a time ({@code ManifestCommits}).
 */
public final class ManifestStore {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestStore.class);
  private static final Pattern NAME = Pattern.compile("(\\d{20})\\.json");
  private static final String CRC_PREFIX = "crc32c=";
  private static final int KEEP = 2;

  private final Path dir;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ManifestStore(Path dir) {
    this.dir = dir;
  }

  /**
   * Loads the newest valid manifest, or the empty one if there is none. A manifest whose content
   * is damaged (checksum, JSON, format) is renamed to {@code .corrupt}, kept for inspection and out
   * of the way of the next commit, which reuses its version number; an I/O error reading one is
   * fatal, since the file may be fine and only the disk unwell.
   */
  public Manifest loadNewest() throws IOException {
    Durable.createDirectories(dir);
    return newest((file, damaged) -> {
      Path quarantined = file.resolveSibling(file.getFileName() + ".corrupt");
      Files.move(file, quarantined, StandardCopyOption.REPLACE_EXISTING);
      Durable.forceDirectory(dir);
      LOG.warn("manifest {} is damaged ({}); moved it to {} and falling back to the previous one",
          file, damaged.getMessage(), quarantined);
    });
  }

  /**
   * The newest manifest whose content holds, or the empty one, read without changing anything in
   * the folder: for a reader beside the store that owns it (a backup). A damaged manifest is
   * passed over, as {@link #loadNewest} would; one deleted while this reads (a commit came in
   * between) fails with {@link NoSuchFileException}, and the caller reads again.
   */
  public Manifest readNewest() throws IOException {
    return newest((file, damaged) -> LOG.warn("manifest {} is damaged ({}); reading the one before it", file,
        damaged.getMessage()));
  }

  /** What to do with a manifest whose content is damaged before going on to the one before it. */
  @FunctionalInterface
  private interface OnDamaged {
    void found(Path file, IOException damaged) throws IOException;
  }

  /** The newest manifest whose content holds, or the empty one. */
  private Manifest newest(OnDamaged onDamaged) throws IOException {
    for (Path file : manifestsNewestFirst()) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (NoSuchFileException gone) {
        throw gone;
      } catch (IOException e) {
        throw new IOException("cannot read manifest " + file + ": " + e.getMessage(), e);
      }
      try {
        return parse(bytes);
      } catch (IOException damaged) {
        onDamaged.found(file, damaged);
      }
    }
    return Manifest.empty();
  }

  /**
   * The files listed by the kept manifests older than {@code version}: the fallbacks an open would
   * use if the newer ones were found damaged. A damaged one lists nothing.
   */
  public Set<String> filesListedBefore(long version) throws IOException {
    Set<String> listed = new HashSet<>();
    for (Path file : manifestsNewestFirst()) {
      try {
        Manifest m = parse(Files.readAllBytes(file));
        if (m.version() < version) {
          m.files().forEach(f -> listed.add(f.path()));
        }
      } catch (IOException damaged) {
        // Not a fallback anyone can use.
      }
    }
    return listed;
  }

  /** The manifests found damaged and moved aside ({@link #loadNewest}), oldest first. */
  public List<Path> damaged() throws IOException {
    List<Path> damaged = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.corrupt")) {
      files.forEach(damaged::add);
    }
    damaged.sort(null);
    return damaged;
  }

  /** Removes temporary files a crash left behind before publishing them. */
  public void deleteTemporaryFiles() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.tmp")) {
      for (Path f : files) {
        Files.delete(f);
        LOG.info("deleted unpublished manifest {}", f);
      }
    }
  }

  /** Durably publishes a manifest; when this returns, it is what the next open will load. */
  public void commit(Manifest manifest) throws IOException {
    byte[] body = json.writeValueAsBytes(manifest);
    CRC32C crc = new CRC32C();
    crc.update(body);
    byte[] header = String.format("%s%08x\n", CRC_PREFIX, crc.getValue()).getBytes(StandardCharsets.US_ASCII);
    Path target = dir.resolve(String.format("%020d.json", manifest.version()));
    Path temp = dir.resolve(String.format("%020d.json.tmp", manifest.version()));
    Files.write(temp, concat(header, body), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    Durable.forceFile(temp);
    CrashPoint.MANIFEST_WRITTEN.reached();
    Durable.publishNoReplace(temp, target);
    CrashPoint.MANIFEST_PUBLISHED.reached();
    deleteOlderThanKept();
  }

  private void deleteOlderThanKept() {
    try {
      List<Path> all = manifestsNewestFirst();
      for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) {
        Files.deleteIfExists(old);
      }
    } catch (IOException e) {
      // The commit already happened; an old manifest left behind is harmless and retried later.
      LOG.warn("could not delete old manifests in {}: {}", dir, e.getMessage());
    }
  }

  private Manifest parse(byte[] bytes) throws IOException {
    int newline = indexOf(bytes, (byte) '\n');
    String header = newline < 0 ? "" : new String(bytes, 0, newline, StandardCharsets.US_ASCII);
    if (!header.startsWith(CRC_PREFIX)) {
      throw new IOException("no '" + CRC_PREFIX + "' header line");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, newline + 1, bytes.length - newline - 1);
    long stored;
    try {
      stored = Long.parseLong(header.substring(CRC_PREFIX.length()).trim(), 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad checksum header '" + header + "'", e);
    }
    if (stored != crc.getValue()) {
      throw new IOException(String.format("checksum mismatch (stored %08x, computed %08x)", stored, crc.getValue()));
    }
    Manifest m = json.readValue(bytes, newline + 1, bytes.length - newline - 1, Manifest.class);
    if (m.formatVersion() != Manifest.FORMAT_VERSION) {
      throw new IOException("unknown manifest format " + m.formatVersion() + "; this version of"
          + " Annals reads format " + Manifest.FORMAT_VERSION);
    }
    return m;
  }

  private List<Path> manifestsNewestFirst() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (m.matches()) {
          out.add(f);
        }
      }
    }
    out.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
    return out;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
