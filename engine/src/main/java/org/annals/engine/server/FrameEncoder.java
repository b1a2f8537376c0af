package org.annals.engine.server;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Writes a result frame as the bytes of a protobuf {@code Common.Frame}, each value once (as
 * {@code scalar_value}), without building a message object per row, cell and value first:
 * JFR showed a third of the server's time in a thin-driver {@code SELECT *} in those builders.
 * Longs, integers, strings, doubles, booleans, timestamps and nulls are written here exactly as
 * {@link TypedValue#toProto} writes them; every other value (arrays, decimals, bytes, ...) is
 * written by Avatica's own code. Two passes: sizes first (protobuf puts each message's length
 * before it), then one array of the exact size. Stateless.
 */
final class FrameEncoder {
  // Field numbers of common.proto.
  private static final int FRAME_OFFSET = 1;
  private static final int FRAME_DONE = 2;
  private static final int FRAME_ROWS = 3;
  private static final int ROW_VALUE = 1;
  private static final int COLUMN_SCALAR_VALUE = 4;
  private static final int VALUE_TYPE = 1;
  private static final int VALUE_BOOL = 2;
  private static final int VALUE_STRING = 3;
  private static final int VALUE_NUMBER = 4;
  private static final int VALUE_DOUBLE = 6;
  private static final int VALUE_NULL = 7;
  /** A one-byte tag plus a one-byte {@code Rep}: every {@code Rep} number is below 128. */
  private static final int TYPE_SIZE = 2;

  private FrameEncoder() {}

  static byte[] encode(Meta.Frame frame) throws IOException {
    List<Object[]> rows = new ArrayList<>();
    for (Object row : frame.rows) {
      if (row != null) {
        rows.add(row instanceof Object[] cells ? cells : ((List<?>) row).toArray());
      }
    }
    // Per row: the row's size, then each cell's ColumnValue size; cells Avatica writes are kept encoded.
    int[][] sizes = new int[rows.size()][];
    Object[][] encoded = new Object[rows.size()][];
    long total = (frame.offset != 0 ? CodedOutputStream.computeUInt64Size(FRAME_OFFSET, frame.offset) : 0)
        + (frame.done ? CodedOutputStream.computeBoolSize(FRAME_DONE, true) : 0);
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
    if (frame.offset != 0) {
      o.writeUInt64(FRAME_OFFSET, frame.offset);
    }
    if (frame.done) {
      o.writeBool(FRAME_DONE, true);
    }
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

  /** The size of the cell's TypedValue, or -1 if Avatica's code is to write it. */
  private static int valueSize(Object cell) {
    if (cell == null) {
      return TYPE_SIZE + CodedOutputStream.computeBoolSize(VALUE_NULL, true);
    } else if (cell instanceof String s) {
      return TYPE_SIZE + (s.isEmpty() ? 0 : CodedOutputStream.computeStringSize(VALUE_STRING, s));
    } else if (cell instanceof Long || cell instanceof Integer) {
      return TYPE_SIZE + numberSize(((Number) cell).longValue());
    } else if (cell instanceof Timestamp t) {
      return TYPE_SIZE + numberSize(t.getTime());
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
    } else if (cell instanceof Timestamp t) {
      writeNumber(o, Common.Rep.JAVA_SQL_TIMESTAMP_VALUE, t.getTime());
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
