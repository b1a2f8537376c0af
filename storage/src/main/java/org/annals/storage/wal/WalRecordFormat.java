package org.annals.storage.wal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.annals.storage.event.EncodedEvent;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.SequencedBatch;

/**
 * The byte layout of one WAL record. A record holds one atomic append (a {@link SequencedBatch});
 * all integers are big-endian.
 *
 * <pre>
 * frame
 *   offset  size  field
 *   0       4     body length L (so the frame is 8 + L bytes)
 *   4       4     CRC-32C of the L body bytes
 *   8       L     body
 * body
 *   0       1     format (1)
 *   1       8     first global_seq
 *   9       8     first seq in the stream
 *   17      8     recorded_at, milliseconds since the epoch, UTC
 *   25      4     event count N
 *   29      4+S   stream name: length S, UTF-8 bytes
 *   then N events, each:
 *           8     version (-1: no entity)
 *           16    event_id (most, then least significant bits)
 *           4+n   event_type
 *           4+n   entity_id (length -1: null)
 *           4+n   payload
 *           4+n   metadata (length -1: null)
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class WalRecordFormat {
  public static final int FRAME_HEADER_BYTES = 8;
  static final byte FORMAT = 1;
  static final int FIXED_BODY_BYTES = 1 + 8 + 8 + 8 + 4 + 4;
  private static final int FIXED_EVENT_BYTES = 8 + 16 + 4 * 4;
  /** A length field above this cannot be a record: batches are limited far below it. */
  static final int MAX_BODY_BYTES = 256 * 1024 * 1024;

  private WalRecordFormat() {}

  /** Encodes a batch as a complete frame, positioned at 0 and ready to write. */
  public static ByteBuffer encode(SequencedBatch batch) {
    byte[] stream = batch.streamName().getBytes(StandardCharsets.UTF_8);
    int bodyBytes = FIXED_BODY_BYTES + stream.length;
    for (EncodedEvent e : batch.events()) {
      bodyBytes += FIXED_EVENT_BYTES + e.encodedSize() - 16;
    }
    ByteBuffer buf = ByteBuffer.allocate(FRAME_HEADER_BYTES + bodyBytes);
    buf.putInt(bodyBytes).putInt(0);
    buf.put(FORMAT)
        .putLong(batch.firstGlobalSeq())
        .putLong(batch.firstSeq())
        .putLong(batch.recordedAt())
        .putInt(batch.size());
    putBytes(buf, stream);
    for (int i = 0; i < batch.size(); i++) {
      EncodedEvent e = batch.events().get(i);
      buf.putLong(batch.versions()[i]);
      buf.putLong(e.eventId().getMostSignificantBits()).putLong(e.eventId().getLeastSignificantBits());
      putBytes(buf, e.eventType());
      putBytes(buf, e.entityIdUtf8());
      putBytes(buf, e.payload());
      putBytes(buf, e.metadata());
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), FRAME_HEADER_BYTES, bodyBytes);
    buf.putInt(4, (int) crc.getValue());
    return buf.flip();
  }

  /** The CRC-32C of a body, as stored in the frame. */
  static int checksum(ByteBuffer data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data.slice(offset, length));
    return (int) crc.getValue();
  }

  /**
   * Decodes a body whose CRC already matched.
   *
   * @throws IllegalArgumentException if the body's fields do not fit together
   */
  static SequencedBatch decodeBody(ByteBuffer data, int offset, int length) {
    ByteBuffer buf = data.slice(offset, length);
    byte format = buf.get();
    if (format != FORMAT) {
      throw new IllegalArgumentException("unknown record format " + format + " (expected " + FORMAT + ")");
    }
    long firstGlobalSeq = buf.getLong();
    long firstSeq = buf.getLong();
    long recordedAt = buf.getLong();
    int count = buf.getInt();
    if (count <= 0 || count > length) {
      throw new IllegalArgumentException("impossible event count " + count);
    }
    String stream = new String(getBytes(buf), StandardCharsets.UTF_8);
    List<EncodedEvent> events = new ArrayList<>(count);
    long[] versions = new long[count];
    for (int i = 0; i < count; i++) {
      versions[i] = buf.getLong();
      UUID id = new UUID(buf.getLong(), buf.getLong());
      byte[] type = getBytes(buf);
      byte[] entity = getBytes(buf);
      byte[] payload = getBytes(buf);
      byte[] metadata = getBytes(buf);
      events.add(new EncodedEvent(type, entity, payload, metadata, id, ExpectedVersion.ANY));
    }
    if (buf.hasRemaining()) {
      throw new IllegalArgumentException(buf.remaining() + " unexplained bytes after the last event");
    }
    return new SequencedBatch(stream, firstSeq, firstGlobalSeq, recordedAt, events, versions);
  }

  private static void putBytes(ByteBuffer buf, byte[] bytes) {
    if (bytes == null) {
      buf.putInt(-1);
    } else {
      buf.putInt(bytes.length).put(bytes);
    }
  }

  private static byte[] getBytes(ByteBuffer buf) {
    int n = buf.getInt();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > buf.remaining()) {
      throw new IllegalArgumentException("field length " + n + " does not fit in the record");
    }
    byte[] out = new byte[n];
    buf.get(out);
    return out;
  }
}
