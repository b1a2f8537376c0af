package org.annals.storage.memtable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.annals.storage.arrow.EventVectors;
import org.annals.storage.event.EventColumn;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * A sealed memtable chunk's Arrow buffers as one file, so that a restart maps them instead of
 * rebuilding them from the log. The layout is the buffers as they are in memory, each starting
 * on a 64-byte boundary, after a header that gives their lengths and before a CRC32C of
 * everything ahead of it:
 *
 * <pre>
 * "ANNALSMC"  int format  int rows  long first global_seq  int columns
 * per column (in {@link EventColumn} order): int null count, int buffer count, long length per buffer
 * padding, buffers (validity, [offsets,] values), each padded to 64 bytes
 * int CRC32C of all of the above
 * </pre>
 *
 * A file that is short, of another format or fails its CRC is refused with the reason; it is a
 * copy of what the log holds, so the caller falls back to the log.
 */
final class ChunkFile {
  private static final byte[] MAGIC = "ANNALSMC".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT = 1;
  private static final int ALIGNMENT = 64;
  private static final int FIXED_HEADER_BYTES = MAGIC.length + 4 + 4 + 8 + 4;
  private static final int CRC_BYTES = 4;

  private ChunkFile() {}

  /** Writes a sealed chunk's rows; nothing writes to a sealed chunk's buffers any more. */
  static void write(MemtableChunk chunk, Path file) throws IOException {
    int rows = chunk.rowCount();
    List<List<ByteBuffer>> columns = new ArrayList<>();
    int headerBytes = FIXED_HEADER_BYTES;
    for (EventColumn c : EventColumn.ALL) {
      List<ByteBuffer> buffers = buffers(chunk.sealedVector(c), rows);
      columns.add(buffers);
      headerBytes += 8 + 8 * buffers.size();
    }
    ByteBuffer header = ByteBuffer.allocate(align(headerBytes)).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(FORMAT).putInt(rows).putLong(chunk.firstGlobalSeq()).putInt(columns.size());
    for (EventColumn c : EventColumn.ALL) {
      List<ByteBuffer> buffers = columns.get(c.ordinal());
      header.putInt(chunk.sealedVector(c).getNullCount()).putInt(buffers.size());
      for (ByteBuffer b : buffers) {
        header.putLong(b.remaining());
      }
    }
    header.position(0);
    CRC32C crc = new CRC32C();
    ByteBuffer padding = ByteBuffer.allocate(ALIGNMENT);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeAll(out, header, crc);
      for (List<ByteBuffer> buffers : columns) {
        for (ByteBuffer b : buffers) {
          int length = b.remaining();
          writeAll(out, b, crc);
          writeAll(out, padding.clear().limit(align(length) - length), crc);
        }
      }
      ByteBuffer trailer = ByteBuffer.allocate(CRC_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      trailer.putInt(0, (int) crc.getValue());
      while (trailer.hasRemaining()) {
        out.write(trailer);
      }
    }
  }

  /** The bytes of a vector's buffers that hold its first {@code rows} values. */
  private static List<ByteBuffer> buffers(FieldVector vector, int rows) {
    List<ByteBuffer> buffers = new ArrayList<>(3);
    buffers.add(view(vector.getValidityBuffer(), BitVectorHelper.getValidityBufferSizeFromCount(rows)));
    if (vector instanceof BaseVariableWidthVector text) {
      long offsetBytes = (long) BaseVariableWidthVector.OFFSET_WIDTH * (rows + 1);
      buffers.add(view(text.getOffsetBuffer(), rows == 0 ? 0 : offsetBytes));
      buffers.add(view(text.getDataBuffer(), rows == 0 ? 0 : text.getOffsetBuffer().getInt(offsetBytes - 4)));
    } else {
      buffers.add(view(vector.getDataBuffer(), (long) rows * ((BaseFixedWidthVector) vector).getTypeWidth()));
    }
    return buffers;
  }

  private static ByteBuffer view(ArrowBuf buffer, long length) {
    return length == 0 ? ByteBuffer.allocate(0) : buffer.nioBuffer(0, Math.toIntExact(length));
  }

  private static void writeAll(FileChannel out, ByteBuffer data, CRC32C crc) throws IOException {
    crc.update(data.duplicate());
    while (data.hasRemaining()) {
      out.write(data);
    }
  }

  private static int align(long bytes) {
    return Math.toIntExact((bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
  }

  /**
   * Maps a chunk file and wraps its buffers as a sealed chunk's vectors, copying nothing.
   *
   * @throws IOException naming the file and what is wrong, if it is not a whole, checksummed chunk
   *     of this format
   */
  static MemtableChunk read(Path file, BufferAllocator allocator) throws IOException {
    MappedByteBuffer mapped;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = in.size();
      if (size < FIXED_HEADER_BYTES + CRC_BYTES || size > Integer.MAX_VALUE) {
        throw damaged(file, "it has " + size + " bytes, which no chunk file has");
      }
      // Private: should anything write to a buffer, it gets its own copy of the page, and the
      // file stays as it was.
      mapped = in.map(FileChannel.MapMode.PRIVATE, 0, size);
    }
    ByteBuffer data = mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int end = data.limit() - CRC_BYTES;
    CRC32C crc = new CRC32C();
    crc.update(data.slice(0, end));
    if ((int) crc.getValue() != data.getInt(end)) {
      throw damaged(file, "its CRC does not match");
    }
    byte[] magic = new byte[MAGIC.length];
    data.get(0, magic);
    if (!Arrays.equals(magic, MAGIC) || data.getInt(8) != FORMAT) {
      throw damaged(file, "it is not a chunk file of format " + FORMAT);
    }
    int rows = data.getInt(12);
    long firstGlobalSeq = data.getLong(16);
    if (data.getInt(24) != EventColumn.ALL.size()) {
      throw damaged(file, "it has " + data.getInt(24) + " columns, not "
          + EventColumn.ALL.size());
    }
    ArrowBuf whole = allocator.wrapForeignAllocation(new MappedFile(mapped));
    FieldVector[] vectors = new FieldVector[EventColumn.ALL.size()];
    try {
      int at = FIXED_HEADER_BYTES;
      List<long[]> layouts = new ArrayList<>();
      for (int c = 0; c < vectors.length; c++) {
        int nulls = data.getInt(at);
        int count = data.getInt(at + 4);
        long[] layout = new long[1 + count];
        layout[0] = nulls;
        for (int b = 0; b < count; b++) {
          layout[1 + b] = data.getLong(at + 8 + 8 * b);
        }
        at += 8 + 8 * count;
        layouts.add(layout);
      }
      long offset = align(at);
      for (EventColumn c : EventColumn.ALL) {
        long[] layout = layouts.get(c.ordinal());
        List<ArrowBuf> buffers = new ArrayList<>();
        for (int b = 1; b < layout.length; b++) {
          if (offset + layout[b] > end) {
            throw damaged(file, "its buffers run past its end");
          }
          buffers.add(whole.slice(offset, layout[b]));
          offset += align(layout[b]);
        }
        FieldVector v = EventVectors.newVector(c, allocator);
        vectors[c.ordinal()] = v;
        v.loadFieldBuffers(new ArrowFieldNode(rows, layout[0]), buffers);
      }
      return MemtableChunk.loaded(vectors, firstGlobalSeq, rows);
    } catch (IOException | RuntimeException e) {
      for (FieldVector v : vectors) {
        if (v != null) {
          v.close();
        }
      }
      throw e instanceof IOException io ? io
          : damaged(file, "its buffers do not fit its columns (" + e.getMessage() + ")");
    } finally {
      // The vectors hold their own references; the mapping goes when the last of them is closed.
      whole.close();
    }
  }

  private static IOException damaged(Path file, String reason) {
    return new IOException("memtable chunk file " + file + " is unusable: " + reason);
  }

  /** A file's mapping as Arrow memory; dropping the last reference lets the mapping go. */
  private static final class MappedFile extends ForeignAllocation {
    private MappedByteBuffer mapping;

    MappedFile(MappedByteBuffer mapping) {
      super(mapping.capacity(), MemoryUtil.getByteBufferAddress(mapping));
      this.mapping = mapping;
    }

    @Override
    protected void release0() {
      // The JVM unmaps a mapped buffer once it is unreachable; no reader holds its address then.
      mapping = null;
    }
  }
}
