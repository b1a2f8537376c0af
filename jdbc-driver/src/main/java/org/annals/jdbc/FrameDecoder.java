package org.annals.jdbc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;

/**
 * Reads a result frame ({@code Common.Frame}) straight from its protobuf bytes into Avatica's
 * {@link Meta.Frame}, with the values {@code Meta.Frame.fromProto} gives. Avatica's way builds a
 * message object and a builder per row, per cell and per value first, and looks fields up by
 * reflection; JFR showed 86% of a thin-driver {@code SELECT *} in that work, most of it in
 * {@code GeneratedMessageV3.invokeOrDie} and the builders. Scalars of every type Avatica
 * sends are read here; a cell in any other form (an array, the pre-1.7 encoding) is handed to
 * Avatica's own parser, so that its answer is the same. Rows written in columns, which the driver
 * asks an Annals server for, are read by {@link ColumnBlockDecoder}. Stateless.
 */
final class FrameDecoder {
  // Field numbers, as the generated message classes give them.
  private static final int FRAME_OFFSET = Common.Frame.OFFSET_FIELD_NUMBER;
  private static final int FRAME_DONE = Common.Frame.DONE_FIELD_NUMBER;
  private static final int FRAME_ROWS = Common.Frame.ROWS_FIELD_NUMBER;
  private static final int ROW_VALUE = Common.Row.VALUE_FIELD_NUMBER;
  private static final int COLUMN_OLD_VALUE = Common.ColumnValue.VALUE_FIELD_NUMBER;
  private static final int COLUMN_SCALAR_VALUE = Common.ColumnValue.SCALAR_VALUE_FIELD_NUMBER;
  private static final int VALUE_TYPE = Common.TypedValue.TYPE_FIELD_NUMBER;
  private static final int VALUE_BOOL = Common.TypedValue.BOOL_VALUE_FIELD_NUMBER;
  private static final int VALUE_STRING = Common.TypedValue.STRING_VALUE_FIELD_NUMBER;
  private static final int VALUE_NUMBER = Common.TypedValue.NUMBER_VALUE_FIELD_NUMBER;
  private static final int VALUE_BYTES = Common.TypedValue.BYTES_VALUE_FIELD_NUMBER;
  private static final int VALUE_DOUBLE = Common.TypedValue.DOUBLE_VALUE_FIELD_NUMBER;
  private static final int VALUE_NULL = Common.TypedValue.NULL_FIELD_NUMBER;
  private static final int VALUE_ARRAY = Common.TypedValue.ARRAY_VALUE_FIELD_NUMBER;

  private FrameDecoder() {}

  /** Reads the frame that {@code in} is positioned on, up to its end ({@code in}'s limit). */
  static Meta.Frame read(CodedInputStream in, byte[] buffer, int base) throws IOException {
    long offset = 0;
    boolean done = false;
    List<Object> rows = new ArrayList<>();
    int width = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case FRAME_OFFSET -> offset = in.readUInt64();
        case FRAME_DONE -> done = in.readBool();
        case FRAME_ROWS -> {
          List<Object> row = row(in, buffer, base, width);
          width = row.size();
          rows.add(row);
        }
        case ColumnBlockDecoder.FIELD -> ColumnBlockDecoder.read(in, buffer, base, rows);
        default -> in.skipField(tag);
      }
    }
    return new Meta.Frame(offset, done, rows);
  }

  private static List<Object> row(CodedInputStream in, byte[] buffer, int base, int width) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    List<Object> row = new ArrayList<>(Math.max(width, 4));
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == ROW_VALUE) {
        row.add(column(in, buffer, base));
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return row;
  }

  /**
   * One cell: its scalar, or Avatica's reading of it when it is in another form. A stock Avatica
   * server writes each scalar twice, in the deprecated {@code value} list too; that copy is skipped.
   */
  static Object column(CodedInputStream in, byte[] buffer, int base) throws IOException {
    int length = in.readRawVarint32();
    int start = in.getTotalBytesRead();
    int limit = in.pushLimit(length);
    Object value = Unread.INSTANCE;
    boolean scalarOnly = true;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == COLUMN_SCALAR_VALUE) {
        int valueLimit = in.pushLimit(in.readRawVarint32());
        value = scalar(in);
        in.skipRawBytes(in.getBytesUntilLimit());
        in.popLimit(valueLimit);
      } else if (field == COLUMN_OLD_VALUE) {
        in.skipField(tag);
      } else {
        scalarOnly = false;
        break;
      }
    }
    if (!scalarOnly || value == Unread.INSTANCE) {
      value = avatica(buffer, base + start, length);
    }
    in.skipRawBytes(in.getBytesUntilLimit());
    in.popLimit(limit);
    return value;
  }

  /**
   * A {@code TypedValue} as {@code Meta.Frame.deserializeScalarValue} reads it: bytes as
   * {@code byte[]}, dates and times as Avatica's serial numbers; {@link Unread#INSTANCE} for
   * what only Avatica reads (arrays, structs).
   */
  private static Object scalar(CodedInputStream in) throws IOException {
    int type = Common.Rep.PRIMITIVE_BOOLEAN_VALUE;
    boolean bool = false;
    String string = "";
    long number = 0;
    byte[] bytes = null;
    double dbl = 0;
    boolean isNull = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case VALUE_TYPE -> type = in.readEnum();
        case VALUE_BOOL -> bool = in.readBool();
        case VALUE_STRING -> string = in.readString();
        case VALUE_NUMBER -> number = in.readSInt64();
        case VALUE_BYTES -> bytes = in.readByteArray();
        case VALUE_DOUBLE -> dbl = in.readDouble();
        case VALUE_NULL -> isNull = in.readBool();
        case VALUE_ARRAY -> {
          return Unread.INSTANCE;
        }
        default -> in.skipField(tag);
      }
    }
    Common.Rep rep = Common.Rep.forNumber(type);
    if (rep == null) {
      return Unread.INSTANCE;
    }
    return switch (rep) {
      case STRING -> string;
      case LONG, PRIMITIVE_LONG, NUMBER, JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE, INTEGER, PRIMITIVE_INT, JAVA_SQL_DATE,
          JAVA_SQL_TIME, SHORT, PRIMITIVE_SHORT, BYTE, PRIMITIVE_BYTE -> number(rep, number);
      case DOUBLE, PRIMITIVE_DOUBLE -> dbl;
      case FLOAT, PRIMITIVE_FLOAT -> Float.intBitsToFloat((int) number);
      case BOOLEAN, PRIMITIVE_BOOLEAN -> bool;
      case CHARACTER, PRIMITIVE_CHAR -> string.charAt(0);
      case BYTE_STRING -> bytes == null ? new byte[0] : bytes;
      case BIG_INTEGER -> new BigInteger(bytes == null ? new byte[0] : bytes);
      // Before CALCITE-1103 a decimal was its unscaled bytes with the scale as number_value.
      case BIG_DECIMAL -> number != 0
          ? new BigDecimal(new BigInteger(bytes == null ? new byte[0] : bytes), (int) number)
          : new BigDecimal(string);
      case NULL -> null;
      case OBJECT -> isNull ? null : Unread.INSTANCE;
      default -> Unread.INSTANCE;
    };
  }

  /** A value carried in {@code number_value}, as the Java type of its Rep; an IOException for another Rep. */
  static Object number(Common.Rep rep, long number) throws IOException {
    if (rep == null) {
      throw new IOException("a result frame holds numbers of a type this driver does not know");
    }
    return switch (rep) {
      case LONG, PRIMITIVE_LONG, NUMBER, JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE -> number;
      case INTEGER, PRIMITIVE_INT, JAVA_SQL_DATE, JAVA_SQL_TIME -> (int) number;
      case SHORT, PRIMITIVE_SHORT -> (short) number;
      case BYTE, PRIMITIVE_BYTE -> (byte) number;
      default -> throw new IOException("a result frame holds numbers typed " + rep + ", which is no number type");
    };
  }

  /** The cell at {@code buffer[from, from + length)} as Avatica's own frame parser reads it. */
  private static Object avatica(byte[] buffer, int from, int length) throws IOException {
    Common.ColumnValue column = Common.ColumnValue.parseFrom(CodedInputStream.newInstance(buffer, from, length));
    Common.Frame frame = Common.Frame.newBuilder().addRows(Common.Row.newBuilder().addValue(column)).build();
    List<?> row = (List<?>) Meta.Frame.fromProto(frame).rows.iterator().next();
    return row.get(0);
  }

  /** Marks a cell this class leaves to Avatica. */
  private enum Unread { INSTANCE }
}
