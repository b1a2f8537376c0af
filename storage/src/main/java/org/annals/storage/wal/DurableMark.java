package org.annals.storage.wal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;
import org.annals.storage.fs.Durable;

/**
 * {@code wal/DURABLE}: a global_seq the log is known to have reached, every event below it
 * acknowledged. The writer records it about once a second, after the fsync that made those
 * events durable, so the log on disk always reaches at least as far. A log that ends below it on
 * open was cut or damaged after those events were acknowledged, not torn by a crash (a torn write
 * only ever holds events no one was told were stored): recovery refuses to cut it back further.
 *
 * <p>The file is replaced by a rename without forcing the folder: after a power cut the previous
 * mark may come back, which only says less.
 */
public final class DurableMark {
  static final String NAME = "DURABLE";

  private DurableMark() {}

  /** Records that the log reaches {@code globalSeq}; call only once that much is fsynced. */
  static void record(Path walDir, long globalSeq) throws IOException {
    Path temp = walDir.resolve(NAME + ".tmp");
    Files.writeString(temp, globalSeq + "\n", StandardCharsets.US_ASCII);
    Durable.forceFile(temp);
    Files.move(temp, walDir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The recorded mark, if the folder has one. */
  static OptionalLong read(Path walDir) throws IOException {
    Path file = walDir.resolve(NAME);
    if (!Files.exists(file)) {
      return OptionalLong.empty();
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    try {
      long mark = Long.parseLong(text);
      if (mark >= 0) {
        return OptionalLong.of(mark);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IOException(file + " should hold the global_seq the log was known to reach, but holds '" + text
        + "'; delete it to open (the log's end is then taken as it is)");
  }
}
