package org.annals.engine.server;

import com.google.protobuf.CodedOutputStream;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;

/**
 * The growing bytes of a frame's rows while {@link ScanFrames} writes them: each row claims the
 * exact room it measured. Not thread-safe.
 */
final class RowBuffer {
  private byte[] bytes;
  private int size;
  private byte[] scratch = new byte[1024];

  /** @param capacity the bytes expected: growing by doubling copies a frame of megabytes over and over */
  RowBuffer(int capacity) {
    bytes = new byte[capacity];
  }

  int size() {
    return size;
  }

  /** An encoder over the next {@code length} bytes, which it must fill. */
  CodedOutputStream claim(int length) {
    if (bytes.length - size < length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + length));
    }
    CodedOutputStream o = CodedOutputStream.newInstance(bytes, size, length);
    size += length;
    return o;
  }

  /** {@code length} bytes of an Arrow buffer from {@code start}, in an array reused by the next call. */
  byte[] scratch(ArrowBuf buffer, long start, int length) {
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    buffer.getBytes(start, scratch, 0, length);
    return scratch;
  }

  /** The rows written, without a copy: nothing may be written after. */
  EncodedRows rows(int count, FrameLayout layout) {
    return new EncodedRows(bytes, size, count, layout);
  }
}
