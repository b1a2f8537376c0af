package org.annals.jdbc;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.avatica.proto.Common;

/**
 * Reads a block of a frame's rows written in columns, the layout the driver asks an Annals server
 * for with the connection property {@code frames=columns} (smaller than Avatica's rows, which
 * spend about six bytes of framing and a type on each value). The format is laid down where it
 * is written, in the server's {@code org.annals.engine.server.ColumnBlockEncoder}. Values come out
 * as {@link FrameDecoder} reads them from rows; equal texts in a row share one String. Stateless.
 */
final class ColumnBlockDecoder {
  /** The frame's field for blocks. */
  static final int FIELD = 100;

  private static final int NULLS = 0;
  private static final int NUMBER = 1;
  private static final int TEXT = 2;
  private static final int DOUBLE = 3;
  private static final int BOOLEAN = 4;
  private static final int CELLS = 5;

  private ColumnBlockDecoder() {}

  /**
   * Adds the rows of the block {@code in} is positioned on (its length first) to {@code rows};
   * {@code buffer} is the bytes under {@code in}, from {@code base}.
   */
  static void read(CodedInputStream in, byte[] buffer, int base, List<Object> rows) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    int count = in.readUInt32();
    int width = in.readUInt32();
    Object[][] cells = new Object[count][width];
    for (int c = 0; c < width; c++) {
      int kind = in.readUInt32();
      switch (kind) {
        case NULLS -> { }
        case NUMBER -> numbers(in, cells, c);
        case TEXT -> texts(in, buffer, base, cells, c);
        case DOUBLE -> {
          byte[] nulls = nulls(in, count);
          for (int r = 0; r < count; r++) {
            if (!isNull(nulls, r)) {
              cells[r][c] = Double.longBitsToDouble(in.readRawLittleEndian64());
            }
          }
        }
        case BOOLEAN -> {
          byte[] nulls = nulls(in, count);
          for (int r = 0; r < count; r++) {
            if (!isNull(nulls, r)) {
              cells[r][c] = in.readRawByte() != 0;
            }
          }
        }
        case CELLS -> {
          for (int r = 0; r < count; r++) {
            cells[r][c] = FrameDecoder.column(in, buffer, base);
          }
        }
        default -> throw new IOException("a result frame has a column of kind " + kind
            + ", which this driver does not read; use a driver as new as the server");
      }
    }
    in.popLimit(limit);
    for (Object[] row : cells) {
      rows.add(Arrays.asList(row));
    }
  }

  private static void numbers(CodedInputStream in, Object[][] cells, int c) throws IOException {
    Common.Rep rep = Common.Rep.forNumber(in.readUInt32());
    byte[] nulls = nulls(in, cells.length);
    long value = 0;
    for (int r = 0; r < cells.length; r++) {
      if (!isNull(nulls, r)) {
        value += in.readSInt64();
        cells[r][c] = FrameDecoder.number(rep, value);
      }
    }
  }

  private static void texts(CodedInputStream in, byte[] buffer, int base, Object[][] cells, int c)
      throws IOException {
    byte[] nulls = nulls(in, cells.length);
    String previous = null;
    for (int r = 0; r < cells.length; r++) {
      if (isNull(nulls, r)) {
        continue;
      }
      int n = in.readUInt32();
      if (n > 0) {
        int length = n - 1;
        previous = new String(buffer, base + in.getTotalBytesRead(), length, StandardCharsets.UTF_8);
        in.skipRawBytes(length);
      } else if (previous == null) {
        throw new IOException("a result frame repeats a text before it has one");
      }
      cells[r][c] = previous;
    }
  }

  /** The column's null bitmap, or null if it has no nulls. */
  private static byte[] nulls(CodedInputStream in, int count) throws IOException {
    return in.readUInt32() == 0 ? null : in.readRawBytes((count + 7) / 8);
  }

  private static boolean isNull(byte[] nulls, int row) {
    return nulls != null && (nulls[row >>> 3] & (1 << (row & 7))) != 0;
  }
}
