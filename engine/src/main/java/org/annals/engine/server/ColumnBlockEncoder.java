package org.annals.engine.server;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.annals.engine.sql.ScanRows;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.calcite.avatica.proto.Common;

/**
 * Writes a frame's rows in columns, for clients that ask for it with the connection property
 * {@code frames=columns} (the Annals driver does). In Avatica's rows every value carries about
 * six bytes of message framing and its type, so a protobuf {@code SELECT *} of the shop history
 * was 9% larger than the JSON one; in columns the type is written once per column, numbers as
 * differences (sequences and timestamps grow slowly down a result), and a text equal to the one
 * above it as one byte.
 *
 * <h2>Format</h2>
 *
 * The rows go into field {@value #FIELD} of the {@code Common.Frame}, repeated, each one a block of
 * consecutive rows, in order, instead of field 3 ({@code rows}). Avatica's own parser skips a field
 * it does not know, which is why only a client that asked reads such frames. A block is protobuf
 * varints and bytes: its row count and column count, then per column its kind and what the kind
 * says:
 *
 * <ul>
 *   <li>{@link #NULLS}: nothing; every value is null;
 *   <li>{@link #NUMBER}: the values' Avatica {@code Rep} (LONG, INTEGER, SHORT or BYTE), the nulls,
 *       then each other value as the zigzag varint of its difference from the value before it
 *       that is not null (the first from 0);
 *   <li>{@link #TEXT}: the nulls, then per other value a varint n: 0 means the same text as the one
 *       before it that is not null, else n - 1 bytes of UTF-8 follow;
 *   <li>{@link #DOUBLE}: the nulls, then each other value's 8 bytes, little-endian;
 *   <li>{@link #BOOLEAN}: the nulls, then a byte, 0 or 1, per other value;
 *   <li>{@link #CELLS}: each value as a length-delimited {@code Common.ColumnValue}, exactly as in a
 *       row (decimals, bytes, arrays, a column of mixed types).
 * </ul>
 *
 * The nulls are their count, then, unless it is 0, a bitmap of (rows + 7) / 8 bytes in which bit
 * {@code i % 8} of byte {@code i / 8} is set where row {@code i} is null. The driver's reader is
 * {@code org.annals.jdbc.ColumnBlockDecoder}. Stateless.
 */
final class ColumnBlockEncoder {
  /** The frame's field for blocks: far above Avatica's own, so that no later Avatica takes it. */
  static final int FIELD = 100;

  static final int NULLS = 0;
  static final int NUMBER = 1;
  static final int TEXT = 2;
  static final int DOUBLE = 3;
  static final int BOOLEAN = 4;
  static final int CELLS = 5;

  private ColumnBlockEncoder() {}

  /**
   * Rows read the JDBC way, as one block (the field's tag, length and block), or no bytes for no
   * rows. A column holding one Java type (with nulls) gets that type's kind; any other is written
   * cell by cell.
   */
  static byte[] encode(List<Object[]> rows) throws IOException {
    if (rows.isEmpty()) {
      return new byte[0];
    }
    int width = rows.get(0).length;
    byte[][] columns = new byte[width][];
    int blockSize = CodedOutputStream.computeUInt32SizeNoTag(rows.size())
        + CodedOutputStream.computeUInt32SizeNoTag(width);
    for (int c = 0; c < width; c++) {
      columns[c] = column(rows, c);
      blockSize += columns[c].length;
    }
    byte[] out = new byte[CodedOutputStream.computeTagSize(FIELD)
        + CodedOutputStream.computeUInt32SizeNoTag(blockSize) + blockSize];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    o.writeTag(FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(blockSize);
    o.writeUInt32NoTag(rows.size());
    o.writeUInt32NoTag(width);
    for (byte[] column : columns) {
      o.writeRawBytes(column);
    }
    o.checkNoSpaceLeft();
    return out;
  }

  private static byte[] column(List<Object[]> rows, int c) throws IOException {
    Class<?> type = null;
    int nulls = 0;
    for (Object[] row : rows) {
      Object cell = row[c];
      if (cell == null) {
        nulls++;
      } else if (type == null) {
        type = cell.getClass();
      } else if (type != cell.getClass()) {
        type = Object.class;
      }
    }
    int kind = kindOf(type);
    Column out = new Column();
    out.o.writeUInt32NoTag(kind);
    if (kind == NULLS) {
      return out.bytes();
    }
    if (kind == CELLS) {
      for (Object[] row : rows) {
        out.o.writeByteArrayNoTag(FrameEncoder.columnValue(row[c]));
      }
      return out.bytes();
    }
    if (kind == NUMBER) {
      out.o.writeUInt32NoTag(repOf(type));
    }
    out.o.writeUInt32NoTag(nulls);
    if (nulls > 0) {
      byte[] bitmap = new byte[(rows.size() + 7) / 8];
      for (int r = 0; r < rows.size(); r++) {
        if (rows.get(r)[c] == null) {
          bitmap[r >>> 3] |= (byte) (1 << (r & 7));
        }
      }
      out.o.writeRawBytes(bitmap);
    }
    long previousNumber = 0;
    Object previousText = null;
    for (Object[] row : rows) {
      Object cell = row[c];
      if (cell == null) {
        continue;
      }
      switch (kind) {
        case NUMBER -> {
          long value = ((Number) cell).longValue();
          out.o.writeSInt64NoTag(value - previousNumber);
          previousNumber = value;
        }
        case TEXT -> {
          if (cell.equals(previousText)) {
            out.o.writeUInt32NoTag(0);
          } else {
            byte[] utf8 = ((String) cell).getBytes(StandardCharsets.UTF_8);
            out.o.writeUInt32NoTag(utf8.length + 1);
            out.o.writeRawBytes(utf8);
            previousText = cell;
          }
        }
        case DOUBLE -> out.o.writeFixed64NoTag(Double.doubleToRawLongBits((Double) cell));
        default -> out.o.writeRawByte((Boolean) cell ? 1 : 0);
      }
    }
    return out.bytes();
  }

  private static int kindOf(Class<?> type) {
    if (type == null) {
      return NULLS;
    }
    if (type == Long.class || type == Integer.class || type == Short.class || type == Byte.class) {
      return NUMBER;
    }
    if (type == String.class) {
      return TEXT;
    }
    if (type == Double.class) {
      return DOUBLE;
    }
    return type == Boolean.class ? BOOLEAN : CELLS;
  }

  /** The Rep Avatica gives a number of this class ({@code TypedValue.toProto}). */
  private static int repOf(Class<?> type) {
    if (type == Long.class) {
      return Common.Rep.LONG_VALUE;
    }
    if (type == Integer.class) {
      return Common.Rep.INTEGER_VALUE;
    }
    return type == Short.class ? Common.Rep.SHORT_VALUE : Common.Rep.BYTE_VALUE;
  }

  /** One column's bytes as they grow. */
  private static final class Column {
    final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    final CodedOutputStream o = CodedOutputStream.newInstance(buffer);

    byte[] bytes() throws IOException {
      o.flush();
      return buffer.toByteArray();
    }
  }

  /**
   * Appends up to {@code count} rows of a scan's batch, from {@code run.from()}, to {@code out}
   * as one block, stopping after the row that takes {@code out} to about {@code byteLimit} (the
   * values' bytes; the null bitmaps' few bytes are not counted); returns how many it wrote. Values
   * are those {@link FrameEncoder#encodeRows} writes: VARCHAR as text, BIGINT and TIMESTAMP (its
   * milliseconds) as LONG. Text is copied from Arrow's buffer without a String in between.
   */
  static int encodeRun(ScanRows.Run run, int count, RowBuffer out, int byteLimit) throws IOException {
    int columns = run.columns();
    FieldVector[] vectors = new FieldVector[columns];
    for (int c = 0; c < columns; c++) {
      vectors[c] = run.batch().getVector(c);
    }
    // First the rows that fit, and each column's exact size; then the block, column by column.
    long[] valueBytes = new long[columns];
    int[] nulls = new int[columns];
    long[] previousNumber = new long[columns];
    int[] previousText = new int[columns];
    Arrays.fill(previousText, -1);
    int from = run.from();
    long total = 0;
    int r = from;
    for (; r < from + count && out.size() + total < byteLimit; r++) {
      for (int c = 0; c < columns; c++) {
        FieldVector v = vectors[c];
        if (v.isNull(r)) {
          nulls[c]++;
          continue;
        }
        long size;
        if (v instanceof VarCharVector s) {
          if (previousText[c] >= 0 && sameText(s, previousText[c], r)) {
            size = 1;
          } else {
            int length = s.getEndOffset(r) - s.getStartOffset(r);
            size = CodedOutputStream.computeUInt32SizeNoTag(length + 1) + length;
            previousText[c] = r;
          }
        } else {
          long value = FrameEncoder.longValue(v, r);
          size = CodedOutputStream.computeSInt64SizeNoTag(value - previousNumber[c]);
          previousNumber[c] = value;
        }
        valueBytes[c] += size;
        total += size;
      }
    }
    int n = r - from;
    if (n == 0) {
      return 0;
    }
    long blockSize = CodedOutputStream.computeUInt32SizeNoTag(n) + CodedOutputStream.computeUInt32SizeNoTag(columns);
    for (int c = 0; c < columns; c++) {
      blockSize += 1 + (vectors[c] instanceof VarCharVector ? 0 : 1)
          + CodedOutputStream.computeUInt32SizeNoTag(nulls[c]) + (nulls[c] > 0 ? (n + 7) / 8 : 0) + valueBytes[c];
    }
    if (blockSize > Integer.MAX_VALUE / 2) {
      throw new IllegalStateException("a block of " + blockSize + " bytes is over what a frame can hold");
    }
    int size = (int) blockSize;
    CodedOutputStream o = out.claim(CodedOutputStream.computeTagSize(FIELD)
        + CodedOutputStream.computeUInt32SizeNoTag(size) + size);
    o.writeTag(FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(size);
    o.writeUInt32NoTag(n);
    o.writeUInt32NoTag(columns);
    for (int c = 0; c < columns; c++) {
      writeVector(o, vectors[c], from, n, nulls[c], out);
    }
    o.checkNoSpaceLeft();
    return n;
  }

  private static void writeVector(CodedOutputStream o, FieldVector v, int from, int n, int nulls, RowBuffer out)
      throws IOException {
    boolean text = v instanceof VarCharVector;
    o.writeUInt32NoTag(text ? TEXT : NUMBER);
    if (!text) {
      o.writeUInt32NoTag(Common.Rep.LONG_VALUE);
    }
    o.writeUInt32NoTag(nulls);
    if (nulls > 0) {
      byte[] bitmap = new byte[(n + 7) / 8];
      for (int i = 0; i < n; i++) {
        if (v.isNull(from + i)) {
          bitmap[i >>> 3] |= (byte) (1 << (i & 7));
        }
      }
      o.writeRawBytes(bitmap);
    }
    long previousNumber = 0;
    int previousText = -1;
    for (int r = from; r < from + n; r++) {
      if (v.isNull(r)) {
        continue;
      }
      if (v instanceof VarCharVector s) {
        if (previousText >= 0 && sameText(s, previousText, r)) {
          o.writeUInt32NoTag(0);
        } else {
          int start = s.getStartOffset(r);
          int length = s.getEndOffset(r) - start;
          o.writeUInt32NoTag(length + 1);
          o.write(out.scratch(s.getDataBuffer(), start, length), 0, length);
          previousText = r;
        }
      } else {
        long value = FrameEncoder.longValue(v, r);
        o.writeSInt64NoTag(value - previousNumber);
        previousNumber = value;
      }
    }
  }

  private static boolean sameText(VarCharVector s, int a, int b) {
    return ByteFunctionHelpers.equal(s.getDataBuffer(), s.getStartOffset(a), s.getEndOffset(a),
        s.getDataBuffer(), s.getStartOffset(b), s.getEndOffset(b)) == 1;
  }
}
