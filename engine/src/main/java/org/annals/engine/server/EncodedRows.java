package org.annals.engine.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.util.Iterator;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;

/**
 * A frame's rows already written as protobuf: the repeated {@code rows} field of a
 * {@code Common.Frame}, copied into a protobuf response as they are ({@link FrameEncoder}).
 * Iterating them, as the JSON handler does, reads them back the way Avatica's client would.
 * Immutable.
 */
final class EncodedRows implements Iterable<Object> {
  private final byte[] bytes;
  private final int length;
  private final int count;

  /** The first {@code length} bytes of {@code bytes}, which are {@code count} rows. */
  EncodedRows(byte[] bytes, int length, int count) {
    this.bytes = bytes;
    this.length = length;
    this.count = count;
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
    try {
      return Meta.Frame.fromProto(Common.Frame.parseFrom(CodedInputStream.newInstance(bytes, 0, length))).rows.iterator();
    } catch (IOException e) {
      throw new IllegalStateException("a frame's encoded rows do not parse: " + e.getMessage(), e);
    }
  }
}
