package org.annals.storage.wal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.annals.storage.fs.Durable;

/**
 * Naming of WAL segment files: the first global_seq a segment holds, zero-padded to 20 digits so
 * that a plain listing sorts in log order. Beside them, {@code HEAD} names the newest segment the
 * writer started ({@link #recordHead}), so that recovery notices a newest segment gone, and
 * {@code DURABLE} how far the log was durable ({@link DurableMark}).
 */
public final class WalSegments {
  private static final Pattern NAME = Pattern.compile("(\\d{20})\\.wal");
  static final String HEAD = "HEAD";
  private static final String HEADED = "begins-with-header";

  private WalSegments() {}

  /** A segment file and the first global_seq it holds. */
  public record Segment(Path path, long firstGlobalSeq) {}

  public static Path path(Path walDir, long firstGlobalSeq) {
    return walDir.resolve(String.format("%020d.wal", firstGlobalSeq));
  }

  /**
   * Lists the segments in log order. A file in the folder that is not a segment is an error: the
   * log folder holds nothing else, so a stray file means something is wrong.
   */
  public static List<Segment> list(Path walDir) throws IOException {
    List<Segment> out = new ArrayList<>();
    if (!Files.isDirectory(walDir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(walDir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.startsWith(HEAD) || name.startsWith(DurableMark.NAME)) {
          continue;
        }
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
          throw new IOException("unexpected file " + f + " in the WAL folder; it holds only"
              + " segments named <20-digit global_seq>.wal");
        }
        out.add(new Segment(f, Long.parseLong(m.group(1))));
      }
    }
    out.sort(Comparator.comparingLong(Segment::firstGlobalSeq));
    return out;
  }

  /**
   * Deletes the segments whose records all lie below {@code coveredGlobalSeq} (a segment ends where
   * the next begins; the last segment is never deleted) and fsyncs the folder.
   *
   * @return how many segments were deleted
   */
  public static int deleteCovered(Path walDir, long coveredGlobalSeq) throws IOException {
    List<Segment> segments = list(walDir);
    int deleted = 0;
    for (int i = 0; i + 1 < segments.size(); i++) {
      if (segments.get(i + 1).firstGlobalSeq() <= coveredGlobalSeq) {
        Files.delete(segments.get(i).path());
        deleted++;
      }
    }
    if (deleted > 0) {
      Durable.forceDirectory(walDir);
    }
    return deleted;
  }

  /**
   * What {@code wal/HEAD} says: the newest segment the writer started, and whether it was started
   * with a {@link SegmentHeader} (a HEAD written before headers existed names a segment without one).
   */
  public record Head(long firstGlobalSeq, boolean headed) {}

  /**
   * Records durably that the newest segment starts at {@code firstGlobalSeq}: written after the
   * segment and its header are on disk and before any record goes into it, so the log never
   * reaches further than HEAD says, and a newest segment deleted or emptied with its acknowledged
   * events is noticed.
   */
  public static void recordHead(Path walDir, long firstGlobalSeq) throws IOException {
    Path temp = walDir.resolve(HEAD + ".tmp");
    Files.writeString(temp, path(walDir, firstGlobalSeq).getFileName() + "\n" + HEADED + "\n",
        StandardCharsets.US_ASCII);
    Durable.forceFile(temp);
    Files.move(temp, walDir.resolve(HEAD), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Durable.forceDirectory(walDir);
  }

  /** What HEAD records, if the folder has one. */
  public static Optional<Head> head(Path walDir) throws IOException {
    Path head = walDir.resolve(HEAD);
    if (!Files.exists(head)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(head, StandardCharsets.US_ASCII);
    String name = lines.isEmpty() ? "" : lines.get(0).trim();
    Matcher m = NAME.matcher(name);
    boolean headed = lines.size() == 2 && lines.get(1).equals(HEADED);
    if (!m.matches() || lines.size() > 2 || (lines.size() == 2 && !headed)) {
      throw new IOException(head + " should name the newest WAL segment (<20-digit global_seq>.wal), optionally"
          + " followed by a line '" + HEADED + "', but holds '" + String.join("\\n", lines) + "'");
    }
    return Optional.of(new Head(Long.parseLong(m.group(1)), headed));
  }

  /** Total bytes of the given segments. */
  public static long bytes(List<Segment> segments) throws IOException {
    long total = 0;
    for (Segment s : segments) {
      total += Files.size(s.path());
    }
    return total;
  }
}
