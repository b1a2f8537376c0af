package org.annals.storage.wal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The 16 bytes a segment begins with: a magic and the first global_seq the segment holds, the same
 * as its name. The writer forces them to disk before {@code wal/HEAD} names the segment, so a
 * segment that HEAD names and that holds less than its header was emptied or cut after it started,
 * not caught by a crash while it was being created: its acknowledged events are gone and recovery
 * says so instead of opening without them.
 *
 * <p>Segments written before headers existed begin with a record. No record can begin with the
 * magic (read as a record's length it is far above {@link WalRecordFormat#MAX_BODY_BYTES}), so the
 * two are told apart by their first bytes.
 */
public final class SegmentHeader {
  private static final byte[] MAGIC = "ANNALSWL".getBytes(StandardCharsets.US_ASCII);
  public static final int BYTES = MAGIC.length + 8;

  /** What a segment's first bytes are. */
  enum State {
    /** A whole header naming the segment's first global_seq: records follow it. */
    WHOLE,
    /** Fewer bytes than a header, all of them the header's: the segment holds no record. */
    PARTIAL,
    /** A header naming another global_seq, or a damaged one. */
    DAMAGED,
    /** No header: a segment of the format before headers, whose records start at byte 0. */
    ABSENT
  }

  private SegmentHeader() {}

  static ByteBuffer encode(long firstGlobalSeq) {
    return ByteBuffer.allocate(BYTES).put(MAGIC).putLong(firstGlobalSeq).flip();
  }

  static State read(ByteBuffer data, long firstGlobalSeq) {
    ByteBuffer expected = encode(firstGlobalSeq);
    int present = Math.min(data.limit(), BYTES);
    if (data.slice(0, present).equals(expected.slice(0, present))) {
      return present == BYTES ? State.WHOLE : State.PARTIAL;
    }
    int magic = Math.min(data.limit(), MAGIC.length);
    return data.slice(0, magic).equals(expected.slice(0, magic)) ? State.DAMAGED : State.ABSENT;
  }
}
