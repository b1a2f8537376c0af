package org.annals.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.vector.VarCharVector;

/**
 * The stream names of a scan's stream_name column, each decoded once: a memtable scan reads up
 * to millions of rows of a handful of streams, and needs no String per row. Not thread-safe; one
 * per scan.
 */
final class StreamNames {
  private final Map<ByteBuffer, String> decoded = new HashMap<>();

  String of(VarCharVector column, int row) {
    byte[] utf8 = column.get(row);
    return decoded.computeIfAbsent(ByteBuffer.wrap(utf8), k -> new String(utf8, StandardCharsets.UTF_8));
  }
}
