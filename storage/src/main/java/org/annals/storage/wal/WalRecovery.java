package org.annals.storage.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.annals.storage.event.SequencedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the log back on open. It walks every segment record by record and hands each batch at or
 * above the manifest's covered position to a sink, in log order.
 *
 * <p>A record that is short or fails its CRC is a torn write only if it is in the last segment and
 * no valid record follows it anywhere: then the segment is truncated to the last good byte, and the
 * bytes dropped are logged. Damage anywhere else (an earlier segment, or a bad record with a valid
 * one after it) is a {@link WalCorruptionException} naming the file and offset, never a silent skip.
 * Records must also continue the log exactly: each starts at the global_seq after the previous one,
 * and the first segment starts at or below the covered position, or events would be missing.
 */
public final class WalRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);

  /**
   * What recovery found.
   *
   * @param lastSegment the segment new records should be appended to, or null if there is none
   * @param nextGlobalSeq the global_seq after the last record, or the covered position if higher
   * @param truncatedBytes bytes dropped from a torn tail
   */
  public record Result(WalSegments.Segment lastSegment, long nextGlobalSeq, long truncatedBytes) {}

  private WalRecovery() {}

  /**
   * Replays the log.
   *
   * @param coveredGlobalSeq every event below this is already in Parquet files
   * @param sink receives each batch that has events at or above {@code coveredGlobalSeq}
   */
  public static Result replay(Path walDir, long coveredGlobalSeq, Consumer<SequencedBatch> sink)
      throws IOException {
    List<WalSegments.Segment> segments = WalSegments.list(walDir);
    OptionalLong head = WalSegments.head(walDir);
    long newest = segments.isEmpty() ? -1 : segments.get(segments.size() - 1).firstGlobalSeq();
    if (head.isPresent() && newest < head.getAsLong()) {
      throw new WalGapException("the newest WAL segment " + WalSegments.path(walDir, head.getAsLong()).getFileName()
          + " is missing: the log had gone on to it (wal/" + WalSegments.HEAD + " says so), and the events"
          + " acknowledged from global_seq " + head.getAsLong() + " on were in it. Restore it from a backup of the"
          + " data folder and open again; to open without those events, delete wal/" + WalSegments.HEAD);
    }
    if (segments.isEmpty()) {
      return new Result(null, coveredGlobalSeq, 0);
    }
    WalSegments.Segment first = segments.get(0);
    if (first.firstGlobalSeq() > coveredGlobalSeq) {
      throw new WalGapException("the log's oldest segment " + first.path().getFileName() + " starts at global_seq "
          + first.firstGlobalSeq() + " but the manifest covers only the events below " + coveredGlobalSeq
          + ", so events " + coveredGlobalSeq + " to " + (first.firstGlobalSeq() - 1) + " are in neither; the store"
          + " will not open until the manifest that covered them is restored");
    }
    long expected = first.firstGlobalSeq();
    long truncated = 0;
    for (int i = 0; i < segments.size(); i++) {
      WalSegments.Segment segment = segments.get(i);
      if (segment.firstGlobalSeq() != expected) {
        throw new WalCorruptionException(segment.path(), 0, "the segment starts at global_seq "
            + segment.firstGlobalSeq() + " but the previous one ends before " + expected);
      }
      boolean last = i == segments.size() - 1;
      SegmentScan scan = scanSegment(segment.path(), expected, last, coveredGlobalSeq, sink);
      expected = scan.nextGlobalSeq;
      truncated += scan.truncatedBytes;
    }
    return new Result(segments.get(segments.size() - 1), Math.max(expected, coveredGlobalSeq), truncated);
  }

  private record SegmentScan(long nextGlobalSeq, long truncatedBytes) {}

  private static SegmentScan scanSegment(Path file, long expected, boolean last, long covered,
      Consumer<SequencedBatch> sink) throws IOException {
    byte[] data = Files.readAllBytes(file);
    int offset = 0;
    while (offset < data.length) {
      String problem = frameProblem(data, offset);
      if (problem != null) {
        if (!last) {
          throw new WalCorruptionException(file, offset, problem + " in a segment that is not the"
              + " last, so it cannot be a torn write");
        }
        int validAfter = findContinuingFrame(data, offset + 1, expected);
        if (validAfter >= 0) {
          throw new WalCorruptionException(file, offset, problem + ", yet a valid record follows at"
              + " byte offset " + validAfter + ", so it cannot be a torn write");
        }
        long dropped = data.length - offset;
        truncate(file, offset);
        LOG.warn("WAL {}: torn tail at byte offset {} ({}); truncated {} bytes", file, offset,
            problem, dropped);
        return new SegmentScan(expected, dropped);
      }
      int bodyLength = readInt(data, offset);
      SequencedBatch batch;
      try {
        batch = WalRecordFormat.decodeBody(data, offset + WalRecordFormat.FRAME_HEADER_BYTES, bodyLength);
      } catch (RuntimeException e) {
        throw new WalCorruptionException(file, offset, "the record's CRC holds but its body does"
            + " not decode (" + e.getMessage() + ")");
      }
      if (batch.firstGlobalSeq() != expected) {
        throw new WalCorruptionException(file, offset, "the record starts at global_seq "
            + batch.firstGlobalSeq() + " where " + expected + " was expected");
      }
      if (batch.endGlobalSeq() > covered) {
        sink.accept(batch);
      }
      expected = batch.endGlobalSeq();
      offset += WalRecordFormat.FRAME_HEADER_BYTES + bodyLength;
    }
    return new SegmentScan(expected, 0);
  }

  /** Null if a whole, checksummed frame starts at the offset, else what is wrong with it. */
  private static String frameProblem(byte[] data, int offset) {
    int remaining = data.length - offset;
    if (remaining < WalRecordFormat.FRAME_HEADER_BYTES) {
      return "only " + remaining + " bytes remain, less than a record header";
    }
    int length = readInt(data, offset);
    if (length < WalRecordFormat.FIXED_BODY_BYTES || length > WalRecordFormat.MAX_BODY_BYTES) {
      return "the record length " + length + " is impossible";
    }
    if (length > remaining - WalRecordFormat.FRAME_HEADER_BYTES) {
      return "the record claims " + length + " bytes but only "
          + (remaining - WalRecordFormat.FRAME_HEADER_BYTES) + " remain";
    }
    int stored = readInt(data, offset + 4);
    int actual = WalRecordFormat.checksum(data, offset + WalRecordFormat.FRAME_HEADER_BYTES, length);
    if (stored != actual) {
      return String.format("CRC mismatch (stored %08x, computed %08x)", stored, actual);
    }
    return null;
  }

  /**
   * The offset of a later frame that proves the damage is not a torn tail: its CRC holds, it
   * decodes, and it continues the log at or after the expected position. Bytes that merely look
   * like a frame (event text a client chose, say) do not count.
   */
  private static int findContinuingFrame(byte[] data, int from, long expected) {
    for (int o = from; o + WalRecordFormat.FRAME_HEADER_BYTES <= data.length; o++) {
      if (frameProblem(data, o) == null) {
        try {
          SequencedBatch b = WalRecordFormat.decodeBody(data, o + WalRecordFormat.FRAME_HEADER_BYTES,
              readInt(data, o));
          if (b.firstGlobalSeq() >= expected) {
            return o;
          }
        } catch (RuntimeException notARecord) {
          // A checksum match on bytes that are not a record: keep looking.
        }
      }
    }
    return -1;
  }

  private static int readInt(byte[] data, int offset) {
    return ByteBuffer.wrap(data, offset, 4).getInt();
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
      ch.force(true);
    }
  }
}
