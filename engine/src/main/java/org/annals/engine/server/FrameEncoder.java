package org.annals.engine.server;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.annals.engine.sql.ScanRows;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Writes a result frame as the bytes of a protobuf {@code Common.Frame}, each value once (as
 * {@code scalar_value}), without building a message object per row, cell and value first:
 * JFR showed a third of the server's time in a thin-driver {@code SELECT *} in those builders.
 * Longs, integers, strings, doubles, booleans and nulls (what JdbcMeta's frames hold, timestamps
 * as longs) are written here exactly as {@link TypedValue#toProto} writes them; every other value
 * (arrays, decimals, bytes, ...) is written by Avatica's own code. Two passes: sizes first
 * (protobuf puts each message's length before it), then one array of the exact size. Stateless.
 */
final class FrameEncoder {
  // Field numbers, as the generated message classes give them.
  private static final int FRAME_OFFSET = Common.Frame.OFFSET_FIELD_NUMBER;
  private static final int FRAME_DONE = Common.Frame.DONE_FIELD_NUMBER;
  private static final int FRAME_ROWS = Common.Frame.ROWS_FIELD_NUMBER;
  private static final int ROW_VALUE = Common.Row.VALUE_FIELD_NUMBER;
  private static final int COLUMN_SCALAR_VALUE = Common.ColumnValue.SCALAR_VALUE_FIELD_NUMBER;
  private static final int VALUE_TYPE = Common.TypedValue.TYPE_FIELD_NUMBER;
  private static final int VALUE_BOOL = Common.TypedValue.BOOL_VALUE_FIELD_NUMBER;
  private static final int VALUE_STRING = Common.TypedValue.STRING_VALUE_FIELD_NUMBER;
  private static final int VALUE_NUMBER = Common.TypedValue.NUMBER_VALUE_FIELD_NUMBER;
  private static final int VALUE_DOUBLE = Common.TypedValue.DOUBLE_VALUE_FIELD_NUMBER;
  private static final int VALUE_NULL = Common.TypedValue.NULL_FIELD_NUMBER;
  /** A one-byte tag plus a one-byte {@code Rep}: every {@code Rep} number is below 128. */
  private static final int TYPE_SIZE = 2;

  private FrameEncoder() {}

  /** A frame ready to be written into a message: its exact size, and the writing. */
  interface Encoded {
    int size();

    void writeTo(CodedOutputStream out) throws IOException;
  }

  static Encoded encode(Meta.Frame frame) throws IOException {
    if (frame.rows instanceof EncodedRows rows) {
      return encoded(frame, rows);
    }
    byte[] bytes = frame.rows instanceof ColumnRows columns ? columns(frame, columns) : objects(frame);
    return new Encoded() {
      @Override
      public int size() {
        return bytes.length;
      }

      @Override
      public void writeTo(CodedOutputStream out) throws IOException {
        out.writeRawBytes(bytes);
      }
    };
  }

  /** The frame's bytes, for frames of few rows (a first frame) where a copy costs nothing. */
  static byte[] bytes(Meta.Frame frame) throws IOException {
    Encoded encoded = encode(frame);
    byte[] out = new byte[encoded.size()];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    encoded.writeTo(o);
    o.checkNoSpaceLeft();
    return out;
  }

  private static List<Object[]> cells(Iterable<Object> frameRows) {
    List<Object[]> rows = new ArrayList<>();
    for (Object row : frameRows) {
      if (row != null) {
        rows.add(FrameRows.cells(row));
      }
    }
    return rows;
  }

  /** The frame's offset and done fields, then its rows as one block of columns ({@link ColumnBlockEncoder}). */
  private static byte[] columns(Meta.Frame frame, ColumnRows columns) throws IOException {
    byte[] block = ColumnBlockEncoder.encode(cells(columns));
    int head = headSize(frame);
    byte[] out = new byte[head + block.length];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    writeHead(o, frame);
    o.writeRawBytes(block);
    o.checkNoSpaceLeft();
    return out;
  }

  private static byte[] objects(Meta.Frame frame) throws IOException {
    List<Object[]> rows = cells(frame.rows);
    // Per row: the row's size, then each cell's ColumnValue size; cells Avatica writes are kept encoded.
    int[][] sizes = new int[rows.size()][];
    Object[][] encoded = new Object[rows.size()][];
    long total = headSize(frame);
    for (int i = 0; i < rows.size(); i++) {
      Object[] cells = rows.get(i);
      int[] size = new int[cells.length + 1];
      int rowSize = 0;
      for (int j = 0; j < cells.length; j++) {
        int value = valueSize(cells[j]);
        int column;
        if (value < 0) {
          if (encoded[i] == null) {
            encoded[i] = new Object[cells.length];
          }
          byte[] bytes = avatica(cells[j]);
          encoded[i][j] = bytes;
          column = bytes.length;
        } else {
          column = 1 + CodedOutputStream.computeUInt32SizeNoTag(value) + value;
        }
        size[j + 1] = column;
        rowSize += 1 + CodedOutputStream.computeUInt32SizeNoTag(column) + column;
      }
      size[0] = rowSize;
      sizes[i] = size;
      total += 1 + CodedOutputStream.computeUInt32SizeNoTag(rowSize) + rowSize;
    }
    if (total > Integer.MAX_VALUE - 64) {
      throw new IllegalStateException("a result frame of " + total + " bytes is over the 2 GiB a message can hold");
    }
    byte[] out = new byte[(int) total];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    writeHead(o, frame);
    for (int i = 0; i < rows.size(); i++) {
      Object[] cells = rows.get(i);
      int[] size = sizes[i];
      o.writeTag(FRAME_ROWS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(size[0]);
      for (int j = 0; j < cells.length; j++) {
        o.writeTag(ROW_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(size[j + 1]);
        if (encoded[i] != null && encoded[i][j] != null) {
          o.writeRawBytes((byte[]) encoded[i][j]);
        } else {
          writeScalar(o, cells[j]);
        }
      }
    }
    o.checkNoSpaceLeft();
    return out;
  }

  /** The size of the frame's offset and done fields. */
  private static int headSize(Meta.Frame frame) {
    return (frame.offset != 0 ? CodedOutputStream.computeUInt64Size(FRAME_OFFSET, frame.offset) : 0)
        + (frame.done ? CodedOutputStream.computeBoolSize(FRAME_DONE, true) : 0);
  }

  private static void writeHead(CodedOutputStream o, Meta.Frame frame) throws IOException {
    if (frame.offset != 0) {
      o.writeUInt64(FRAME_OFFSET, frame.offset);
    }
    if (frame.done) {
      o.writeBool(FRAME_DONE, true);
    }
  }

  /** Rows written from a scan, behind the frame's offset and done fields. */
  private static Encoded encoded(Meta.Frame frame, EncodedRows rows) {
    int head = headSize(frame);
    return new Encoded() {
      @Override
      public int size() {
        return head + rows.length();
      }

      @Override
      public void writeTo(CodedOutputStream out) throws IOException {
        writeHead(out, frame);
        rows.writeTo(out);
      }
    };
  }

  /**
   * Appends up to {@code count} rows of a scan's batch, from {@code run.from()}, to {@code out} as
   * the frame's rows, stopping after the row that takes {@code out} to {@code byteLimit}; returns
   * how many it wrote. Each value is written as JDBC would have read it: VARCHAR as STRING,
   * BIGINT as LONG, TIMESTAMP as the LONG of its milliseconds (as Avatica's server sends a
   * timestamp), null as NULL. Text is copied from Arrow's buffer without a String in between.
   */
  static int encodeRows(ScanRows.Run run, int count, RowBuffer out, int byteLimit) throws IOException {
    int columns = run.columns();
    FieldVector[] vectors = new FieldVector[columns];
    for (int c = 0; c < columns; c++) {
      vectors[c] = run.batch().getVector(c);
    }
    int[] sizes = new int[columns];
    int r = run.from();
    for (; r < run.from() + count && out.size() < byteLimit; r++) {
      int rowSize = 0;
      for (int c = 0; c < columns; c++) {
        int value = vectorValueSize(vectors[c], r);
        int column = 1 + CodedOutputStream.computeUInt32SizeNoTag(value) + value;
        sizes[c] = value;
        rowSize += 1 + CodedOutputStream.computeUInt32SizeNoTag(column) + column;
      }
      int total = 1 + CodedOutputStream.computeUInt32SizeNoTag(rowSize) + rowSize;
      CodedOutputStream o = out.claim(total);
      o.writeTag(FRAME_ROWS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(rowSize);
      for (int c = 0; c < columns; c++) {
        int value = sizes[c];
        o.writeTag(ROW_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(1 + CodedOutputStream.computeUInt32SizeNoTag(value) + value);
        o.writeTag(COLUMN_SCALAR_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(value);
        writeVectorValue(o, vectors[c], r, out);
      }
      o.checkNoSpaceLeft();
    }
    return r - run.from();
  }

  private static int vectorValueSize(FieldVector v, int row) {
    if (v.isNull(row)) {
      return TYPE_SIZE + CodedOutputStream.computeBoolSize(VALUE_NULL, true);
    }
    if (v instanceof VarCharVector s) {
      int length = s.getEndOffset(row) - s.getStartOffset(row);
      return TYPE_SIZE + (length == 0 ? 0 : 1 + CodedOutputStream.computeUInt32SizeNoTag(length) + length);
    }
    return TYPE_SIZE + numberSize(longValue(v, row));
  }

  private static void writeVectorValue(CodedOutputStream o, FieldVector v, int row, RowBuffer out) throws IOException {
    if (v.isNull(row)) {
      o.writeEnum(VALUE_TYPE, Common.Rep.NULL_VALUE);
      o.writeBool(VALUE_NULL, true);
    } else if (v instanceof VarCharVector s) {
      o.writeEnum(VALUE_TYPE, Common.Rep.STRING_VALUE);
      int start = s.getStartOffset(row);
      int length = s.getEndOffset(row) - start;
      if (length > 0) {
        o.writeTag(VALUE_STRING, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(length);
        o.write(out.scratch(s.getDataBuffer(), start, length), 0, length);
      }
    } else {
      writeNumber(o, Common.Rep.LONG_VALUE, longValue(v, row));
    }
  }

  static long longValue(FieldVector v, int row) {
    if (v instanceof BigIntVector b) {
      return b.get(row);
    }
    if (v instanceof TimeStampMilliTZVector t) {
      return t.get(row);
    }
    throw new IllegalStateException("a scan column of type " + v.getMinorType() + " has no frame encoding");
  }

  /** The size of the cell's TypedValue, or -1 if Avatica's code is to write it. */
  private static int valueSize(Object cell) {
    if (cell == null) {
      return TYPE_SIZE + CodedOutputStream.computeBoolSize(VALUE_NULL, true);
    } else if (cell instanceof String s) {
      return TYPE_SIZE + (s.isEmpty() ? 0 : CodedOutputStream.computeStringSize(VALUE_STRING, s));
    } else if (cell instanceof Long || cell instanceof Integer) {
      return TYPE_SIZE + numberSize(((Number) cell).longValue());
    } else if (cell instanceof Double d) {
      return TYPE_SIZE + (Double.doubleToRawLongBits(d) == 0 ? 0 : CodedOutputStream.computeDoubleSize(VALUE_DOUBLE, d));
    } else if (cell instanceof Boolean b) {
      return TYPE_SIZE + (b ? CodedOutputStream.computeBoolSize(VALUE_BOOL, true) : 0);
    }
    return -1;
  }

  private static int numberSize(long number) {
    return number == 0 ? 0 : CodedOutputStream.computeSInt64Size(VALUE_NUMBER, number);
  }

  /** Writes a cell that {@link #valueSize} measured: a ColumnValue with its scalar_value. */
  private static void writeScalar(CodedOutputStream o, Object cell) throws IOException {
    o.writeTag(COLUMN_SCALAR_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(valueSize(cell));
    if (cell == null) {
      o.writeEnum(VALUE_TYPE, Common.Rep.NULL_VALUE);
      o.writeBool(VALUE_NULL, true);
    } else if (cell instanceof String s) {
      o.writeEnum(VALUE_TYPE, Common.Rep.STRING_VALUE);
      if (!s.isEmpty()) {
        o.writeString(VALUE_STRING, s);
      }
    } else if (cell instanceof Long l) {
      writeNumber(o, Common.Rep.LONG_VALUE, l);
    } else if (cell instanceof Integer n) {
      writeNumber(o, Common.Rep.INTEGER_VALUE, n);
    } else if (cell instanceof Double d) {
      o.writeEnum(VALUE_TYPE, Common.Rep.DOUBLE_VALUE);
      if (Double.doubleToRawLongBits(d) != 0) {
        o.writeDouble(VALUE_DOUBLE, d);
      }
    } else {
      o.writeEnum(VALUE_TYPE, Common.Rep.BOOLEAN_VALUE);
      if ((Boolean) cell) {
        o.writeBool(VALUE_BOOL, true);
      }
    }
  }

  private static void writeNumber(CodedOutputStream o, int rep, long number) throws IOException {
    o.writeEnum(VALUE_TYPE, rep);
    if (number != 0) {
      o.writeSInt64(VALUE_NUMBER, number);
    }
  }

  /** A cell as a row holds it, a {@code Common.ColumnValue}, alone. */
  static byte[] columnValue(Object cell) throws IOException {
    int value = valueSize(cell);
    if (value < 0) {
      return avatica(cell);
    }
    byte[] out = new byte[1 + CodedOutputStream.computeUInt32SizeNoTag(value) + value];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    writeScalar(o, cell);
    o.checkNoSpaceLeft();
    return out;
  }

  /** A ColumnValue as Avatica writes it: arrays as array_value, other scalars as scalar_value. */
  private static byte[] avatica(Object cell) {
    Common.ColumnValue.Builder column = Common.ColumnValue.newBuilder();
    if (cell instanceof List<?> list) {
      column.setHasArrayValue(true);
      for (Object item : list) {
        Common.TypedValue.Builder value = Common.TypedValue.newBuilder();
        TypedValue.toProto(value, item);
        column.addArrayValue(value);
      }
    } else {
      Common.TypedValue.Builder value = Common.TypedValue.newBuilder();
      TypedValue.toProto(value, cell);
      column.setScalarValue(value);
    }
    return column.build().toByteArray();
  }
}
