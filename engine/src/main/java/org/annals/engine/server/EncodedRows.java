package org.annals.engine.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.util.Iterator;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;

/**
 * A frame's rows already written as protobuf: the repeated {@code rows} field of a
 * {@code Common.Frame}, or its blocks of columns ({@link ColumnBlockEncoder}), copied into a
 * protobuf response as they are ({@link FrameEncoder}). Rows iterate, as the JSON handler does,
 * the way Avatica's client reads them; columns go only to the Annals driver and do not iterate.
 * Immutable.
 */
final class EncodedRows implements Iterable<Object> {
  private final byte[] bytes;
  private final int length;
  private final int count;
  private final FrameLayout layout;

  /** The first {@code length} bytes of {@code bytes}, which are {@code count} rows. */
  EncodedRows(byte[] bytes, int length, int count, FrameLayout layout) {
    this.bytes = bytes;
    this.length = length;
    this.count = count;
    this.layout = layout;
  }

  int length() {
    return length;
  }

  int count() {
    return count;
  }

  void writeTo(CodedOutputStream out) throws IOException {
    out.writeRawBytes(bytes, 0, length);
  }

  @Override
  public Iterator<Object> iterator() {
    if (layout == FrameLayout.COLUMNS) {
      throw new IllegalStateException("rows written in columns are for the Annals driver only; they are not read back");
    }
    try {
      return Meta.Frame.fromProto(Common.Frame.parseFrom(CodedInputStream.newInstance(bytes, 0, length))).rows.iterator();
    } catch (IOException e) {
      throw new IllegalStateException("a frame's encoded rows do not parse: " + e.getMessage(), e);
    }
  }
}
