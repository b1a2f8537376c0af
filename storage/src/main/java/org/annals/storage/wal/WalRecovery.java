package org.annals.storage.wal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.annals.storage.concurrent.DaemonThreads;
import org.annals.storage.event.SequencedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the log back on open. It walks every segment that holds events the memtable's chunk files
 * do not, record by record, several segments at once, and hands each batch above them to its
 * segment's sink.
 *
 * <p>A record that is short or fails its CRC is a torn write only if it is in the last segment and
 * no valid record follows it anywhere: then the segment is truncated to the last good byte, and the
 * bytes dropped are logged. Damage anywhere else (an earlier segment, or a bad record with a valid
 * one after it) is a {@link WalCorruptionException} naming the file and offset, never a silent skip.
 * Records must also continue the log exactly: each starts at the global_seq after the previous one,
 * and the first segment starts at or below the covered position, or events would be missing. And
 * the log must reach as far as the writer last recorded it durable ({@link DurableMark}): a tail
 * cut below that was not torn by a crash, and is refused rather than cut back.
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

  /**
   * The way to open a log that lost acknowledged events without them. The memtable folder's files
   * are copies of unflushed events, whose end the open also checks the log against; the events
   * the log still holds are replayed from it.
   */
  private static final String WITHOUT_THEM = "delete wal/" + WalSegments.HEAD + ", wal/" + DurableMark.NAME
      + " and the files in the memtable folder";

  private WalRecovery() {}

  /**
   * Receives the batches of one segment, in log order, from the thread that reads the segment.
   * Closed once the replay ends, whether or not it was handed on.
   */
  public interface SegmentSink extends Consumer<SequencedBatch>, AutoCloseable {
    @Override
    void close();
  }

  /**
   * Replays the log, reading up to {@code threads} segments at once. Each segment's batches at or
   * above {@code replayFrom} go to a sink of its own from {@code newSink}; once a segment and
   * every segment before it are read and known to continue the log, its sink is handed to
   * {@code inOrder} on the calling thread, segment after segment. Segments that hold only events
   * below {@code replayFrom} are not read.
   *
   * <p>Segments are independent byte ranges that each name their first global_seq, so they can be
   * read apart and checked against each other afterwards. A restart replays up to a gigabyte of
   * log into Arrow memory, and doing so on one thread left the other cores idle for most of it.
   *
   * @param coveredGlobalSeq every event below this is already in Parquet files
   * @param replayFrom every event below this is already in Parquet files or memtable chunk files,
   *     so the log must reach at least this far
   */
  public static <S extends SegmentSink> Result replay(Path walDir, long coveredGlobalSeq, long replayFrom,
      Supplier<S> newSink, Consumer<S> inOrder, int threads) throws IOException {
    List<WalSegments.Segment> segments = WalSegments.list(walDir);
    Optional<WalSegments.Head> head = WalSegments.head(walDir);
    long newest = segments.isEmpty() ? -1 : segments.get(segments.size() - 1).firstGlobalSeq();
    if (head.isPresent() && newest < head.get().firstGlobalSeq()) {
      long missing = head.get().firstGlobalSeq();
      throw new WalGapException("the newest WAL segment " + WalSegments.path(walDir, missing).getFileName()
          + " is missing: the log had gone on to it (wal/" + WalSegments.HEAD + " says so), and the events"
          + " acknowledged from global_seq " + missing + " on were in it. Put it back (a copy of the data folder"
          + " taken before the loss) and open again; to open without those events, " + WITHOUT_THEM);
    }
    OptionalLong mark = DurableMark.read(walDir);
    if (segments.isEmpty()) {
      if (replayFrom > coveredGlobalSeq) {
        throw cutShort("the wal folder has no segment", coveredGlobalSeq, replayFrom);
      }
      if (mark.isPresent() && mark.getAsLong() > coveredGlobalSeq) {
        throw belowMark("the wal folder has no segment", coveredGlobalSeq, mark.getAsLong());
      }
      return new Result(null, coveredGlobalSeq, 0);
    }
    WalSegments.Segment first = segments.get(0);
    if (first.firstGlobalSeq() > coveredGlobalSeq) {
      throw new WalGapException("the log's oldest segment " + first.path().getFileName() + " starts at global_seq "
          + first.firstGlobalSeq() + " but the manifest covers only the events below " + coveredGlobalSeq
          + ", so events " + coveredGlobalSeq + " to " + (first.firstGlobalSeq() - 1) + " are in neither; the store"
          + " will not open until the manifest that covered them is restored");
    }
    WalSegments.Segment newestSegment = segments.get(segments.size() - 1);
    NewestStart start = checkStart(walDir, newestSegment, head);
    int skipped = 0;
    while (skipped + 1 < segments.size() && segments.get(skipped + 1).firstGlobalSeq() <= replayFrom) {
      skipped++;
    }
    List<WalSegments.Segment> read = segments.subList(skipped, segments.size());
    ExecutorService readers = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, read.size())),
        DaemonThreads.numbered("annals-wal-replay"));
    List<S> sinks = new ArrayList<>(read.size());
    try {
      List<Future<SegmentScan>> scans = new ArrayList<>(read.size());
      for (int i = 0; i < read.size(); i++) {
        WalSegments.Segment segment = read.get(i);
        boolean last = i == read.size() - 1;
        S sink = newSink.get();
        sinks.add(sink);
        scans.add(readers.submit(() -> scanSegment(segment.path(), segment.firstGlobalSeq(), last,
            replayFrom, sink)));
      }
      long expected = read.get(0).firstGlobalSeq();
      long truncated = 0;
      for (int i = 0; i < read.size(); i++) {
        WalSegments.Segment segment = read.get(i);
        if (segment.firstGlobalSeq() != expected) {
          throw new WalCorruptionException(segment.path(), 0, "the segment starts at global_seq "
              + segment.firstGlobalSeq() + " but the previous one ends before " + expected);
        }
        SegmentScan scan = result(scans.get(i));
        inOrder.accept(sinks.get(i));
        expected = scan.nextGlobalSeq;
        if (i == read.size() - 1 && expected < replayFrom) {
          throw cutShort("the newest segment in the wal folder is " + segment.path().getFileName(), expected,
              replayFrom);
        }
        long reached = Math.max(expected, coveredGlobalSeq);
        if (i == read.size() - 1 && mark.isPresent() && reached < mark.getAsLong()) {
          throw belowMark("the newest segment " + segment.path().getFileName() + (scan.tornAt >= 0
              ? " fails at byte offset " + scan.tornAt + ": " + scan.problem : " ends after its last whole record"),
              reached, mark.getAsLong());
        }
        if (scan.tornAt >= 0) {
          // Only the last segment can be torn; cut only once every segment before it checked out.
          truncated += truncate(segment.path(), scan.tornAt, scan.problem);
        }
      }
      finishStart(walDir, newestSegment, start);
      return new Result(newestSegment, Math.max(expected, coveredGlobalSeq), truncated);
    } finally {
      // No sink may be closed while a reader still fills it.
      readers.shutdownNow();
      awaitQuietly(readers);
      sinks.forEach(SegmentSink::close);
    }
  }

  private static WalGapException cutShort(String newest, long end, long replayFrom) {
    return new WalGapException("the log ends before global_seq " + end + " (" + newest + "), but events up to"
        + " at least " + (replayFrom - 1) + " were acknowledged, as the memtable folder's chunk files show: the log"
        + " has been cut or emptied. Put back the segment files as they were (a copy of the data folder taken"
        + " before the damage) and open again; to open without the events from global_seq " + end + " on, "
        + WITHOUT_THEM);
  }

  private static WalGapException belowMark(String why, long end, long mark) {
    return new WalGapException("the log ends before global_seq " + end + " (" + why + "), but wal/"
        + DurableMark.NAME + " records that it had reached global_seq " + mark + " with every event below"
        + " acknowledged: events " + end + " to " + (mark - 1) + " were cut out or damaged after they were stored,"
        + " which no crash does. The segment is left as it is. Put it back as it was (a copy of the data folder"
        + " taken before the damage) and open again; to open without those events, " + WITHOUT_THEM);
  }

  /** How the newest segment began, and whether HEAD names it as started with a header. */
  private record NewestStart(SegmentHeader.State state, boolean vouched) {}

  /**
   * Checks how the newest segment began. One whose header HEAD vouches for but which holds less
   * than it was emptied or cut after it started: its acknowledged events are gone, and the open
   * stops. One holding only part of a header was being created when the process died (HEAD, written
   * after the header, does not name it as started), or is an empty segment of the format before
   * headers: it holds no record ({@link #finishStart} completes it once the log checks out).
   */
  private static NewestStart checkStart(Path walDir, WalSegments.Segment newest, Optional<WalSegments.Head> head)
      throws IOException {
    SegmentHeader.State state;
    long size;
    try (FileChannel ch = FileChannel.open(newest.path(), StandardOpenOption.READ)) {
      size = ch.size();
      ByteBuffer start = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, SegmentHeader.BYTES));
      state = SegmentHeader.read(start, newest.firstGlobalSeq());
    }
    boolean vouched = head.isPresent() && head.get().headed()
        && head.get().firstGlobalSeq() == newest.firstGlobalSeq();
    if (state == SegmentHeader.State.PARTIAL && vouched) {
      throw new WalGapException("the newest WAL segment " + newest.path().getFileName() + " holds " + size
          + " bytes, less than the header it began with (wal/" + WalSegments.HEAD + " names it as started): it was"
          + " emptied or cut, and the events acknowledged from global_seq " + newest.firstGlobalSeq() + " on were"
          + " in it. Put it back as it was (a copy of the data folder taken before the damage) and open again; to"
          + " open without those events, delete it, then " + WITHOUT_THEM);
    }
    if (state == SegmentHeader.State.ABSENT && vouched) {
      throw new WalCorruptionException(newest.path(), 0, "the segment began with a header (wal/"
          + WalSegments.HEAD + " says so) but its first bytes are not one");
    }
    return new NewestStart(state, vouched);
  }

  /**
   * Once the whole log checked out: writes out the header of a newest segment caught being
   * created (part of a header, or nothing left once a torn start was cut off, as when a file
   * system exposed a new file's unwritten block as zeros), and makes HEAD name a headed newest
   * segment, so that from here on its emptying is noticed. Nothing is written into the log of an
   * open that is refused.
   */
  private static void finishStart(Path walDir, WalSegments.Segment newest, NewestStart start) throws IOException {
    boolean startOnly = start.state() == SegmentHeader.State.PARTIAL || Files.size(newest.path()) == 0;
    if (startOnly) {
      try (FileChannel ch = FileChannel.open(newest.path(), StandardOpenOption.WRITE)) {
        ch.truncate(0);
        ch.write(SegmentHeader.encode(newest.firstGlobalSeq()));
        ch.force(true);
      }
    }
    if ((startOnly || start.state() == SegmentHeader.State.WHOLE) && !start.vouched()) {
      WalSegments.recordHead(walDir, newest.firstGlobalSeq());
    }
  }

  private static SegmentScan result(Future<SegmentScan> scan) throws IOException {
    try {
      return scan.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the log was replayed");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause);
    }
  }

  private static void awaitQuietly(ExecutorService readers) {
    boolean interrupted = false;
    while (true) {
      try {
        if (readers.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * @param tornAt where a torn tail starts, to be cut off, or -1
   * @param problem what is wrong with the torn tail's first record, or null
   */
  private record SegmentScan(long nextGlobalSeq, int tornAt, String problem) {}

  private static SegmentScan scanSegment(Path file, long expected, boolean last, long covered,
      Consumer<SequencedBatch> sink) throws IOException {
    ByteBuffer data = map(file);
    int offset = switch (SegmentHeader.read(data, expected)) {
      case WHOLE -> SegmentHeader.BYTES;
      case ABSENT -> 0;
      case PARTIAL -> {
        if (!last) {
          throw new WalCorruptionException(file, 0, "the segment holds " + data.limit()
              + " bytes, less than its header, yet is not the newest");
        }
        // A newest segment caught being created: no record ({@link #checkStart}).
        yield data.limit();
      }
      case DAMAGED -> throw new WalCorruptionException(file, 0, "the segment's header is damaged or names"
          + " another segment");
    };
    while (offset < data.limit()) {
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
        return new SegmentScan(expected, offset, problem);
      }
      int bodyLength = data.getInt(offset);
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
    return new SegmentScan(expected, -1, null);
  }

  /**
   * The segment's bytes, mapped rather than read: the page cache already holds them, and a copy
   * into the heap cost a second pass over every byte of the log on each restart.
   */
  private static ByteBuffer map(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new WalCorruptionException(file, Integer.MAX_VALUE, "the segment has " + size
            + " bytes, more than a segment can hold");
      }
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
  }

  /** Null if a whole, checksummed frame starts at the offset, else what is wrong with it. */
  private static String frameProblem(ByteBuffer data, int offset) {
    int remaining = data.limit() - offset;
    if (remaining < WalRecordFormat.FRAME_HEADER_BYTES) {
      return "only " + remaining + " bytes remain, less than a record header";
    }
    int length = data.getInt(offset);
    if (length < WalRecordFormat.FIXED_BODY_BYTES || length > WalRecordFormat.MAX_BODY_BYTES) {
      return "the record length " + length + " is impossible";
    }
    if (length > remaining - WalRecordFormat.FRAME_HEADER_BYTES) {
      return "the record claims " + length + " bytes but only "
          + (remaining - WalRecordFormat.FRAME_HEADER_BYTES) + " remain";
    }
    int stored = data.getInt(offset + 4);
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
  private static int findContinuingFrame(ByteBuffer data, int from, long expected) {
    for (int o = from; o + WalRecordFormat.FRAME_HEADER_BYTES <= data.limit(); o++) {
      if (frameProblem(data, o) == null) {
        try {
          SequencedBatch b = WalRecordFormat.decodeBody(data, o + WalRecordFormat.FRAME_HEADER_BYTES,
              data.getInt(o));
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

  /** Cuts a torn tail off and returns the bytes dropped. */
  private static long truncate(Path file, long size, String problem) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      long dropped = ch.size() - size;
      ch.truncate(size);
      ch.force(true);
      LOG.warn("WAL {}: torn tail at byte offset {} ({}); truncated {} bytes", file, size, problem, dropped);
      return dropped;
    }
  }
}
