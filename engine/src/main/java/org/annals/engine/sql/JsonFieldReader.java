package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.List;
import org.annals.storage.event.EventColumn;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads a scan's JSON fields from the JSON columns of each row of an Arrow batch: each column's
 * document is copied once into a reused buffer and read once for all of its fields. Not
 * thread-safe: one per scan.
 */
final class JsonFieldReader {
  /** One JSON column read: where it is in the batch, its fields' paths and where they go. */
  private record Source(int vector, JsonScalars scalars, int[] outputs, String[] values) {}

  private final List<Source> sources = new ArrayList<>();
  private final int size;
  private byte[] buffer = new byte[4096];

  /** @param read the columns of the scan's batches, in order */
  JsonFieldReader(List<EventColumn> read, List<EventQuery.JsonField> fields) {
    this.size = fields.size();
    for (EventColumn column : EventColumn.ALL) {
      List<List<String>> paths = new ArrayList<>();
      List<Integer> outputs = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).source() == column) {
          paths.add(fields.get(i).path());
          outputs.add(i);
        }
      }
      if (!paths.isEmpty()) {
        sources.add(new Source(read.indexOf(column), new JsonScalars(paths),
            outputs.stream().mapToInt(Integer::intValue).toArray(), new String[paths.size()]));
      }
    }
  }

  int size() {
    return size;
  }

  /** Puts row {@code row}'s JSON fields into {@code values}, starting at {@code offset}. */
  void read(VectorSchemaRoot batch, int row, Object[] values, int offset) {
    for (Source s : sources) {
      VarCharVector v = (VarCharVector) batch.getVector(s.vector());
      if (v.isNull(row)) {
        for (int out : s.outputs()) {
          values[offset + out] = null;
        }
        continue;
      }
      long start = v.getStartOffset(row);
      int length = (int) (v.getEndOffset(row) - start);
      if (length > buffer.length) {
        buffer = new byte[Math.max(length, buffer.length * 2)];
      }
      v.getDataBuffer().getBytes(start, buffer, 0, length);
      s.scalars().read(buffer, 0, length, s.values());
      for (int i = 0; i < s.outputs().length; i++) {
        values[offset + s.outputs()[i]] = s.values()[i];
      }
    }
  }
}
