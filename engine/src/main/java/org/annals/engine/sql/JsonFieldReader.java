package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.List;
import org.annals.engine.types.FieldType;
import org.annals.storage.event.EventColumn;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads a scan's JSON fields from the JSON columns of each row of an Arrow batch: each column's
 * document is copied once into a reused buffer and read once for up to
 * {@link JsonScalars#MAX_PATHS} of its fields. A typed table's fields are converted to their
 * column's type. Not thread-safe: one per scan.
 */
final class JsonFieldReader {
  /** One pass over a JSON column: where it is in the batch, its fields' paths, types and outputs. */
  private record Pass(int vector, JsonScalars scalars, int[] outputs, EventQuery.JsonField[] fields, FieldType[] types,
      String[] values) {}

  private final List<Pass> passes = new ArrayList<>();
  private final int size;
  private byte[] buffer = new byte[4096];

  /** @param read the columns of the scan's batches, in order */
  JsonFieldReader(List<EventColumn> read, List<EventQuery.JsonField> fields) {
    this.size = fields.size();
    for (EventColumn column : EventColumn.ALL) {
      List<Integer> outputs = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).source() == column) {
          outputs.add(i);
        }
      }
      for (int from = 0; from < outputs.size(); from += JsonScalars.MAX_PATHS) {
        List<Integer> chunk = outputs.subList(from, Math.min(outputs.size(), from + JsonScalars.MAX_PATHS));
        passes.add(pass(read.indexOf(column), fields, chunk));
      }
    }
  }

  private static Pass pass(int vector, List<EventQuery.JsonField> fields, List<Integer> outputs) {
    List<List<String>> paths = new ArrayList<>();
    FieldType[] types = new FieldType[outputs.size()];
    EventQuery.JsonField[] read = new EventQuery.JsonField[outputs.size()];
    long asText = 0;
    for (int i = 0; i < outputs.size(); i++) {
      EventQuery.JsonField f = fields.get(outputs.get(i));
      read[i] = f;
      paths.add(f.path());
      types[i] = f.type();
      if (f.type() != null) {
        asText |= 1L << i;
      }
    }
    return new Pass(vector, new JsonScalars(paths, asText), outputs.stream().mapToInt(Integer::intValue).toArray(),
        read, types, new String[outputs.size()]);
  }

  /** A typed column's value; one that no longer fits its type ends the statement rather than read as null. */
  private static Object typed(Pass p, int i, String text) {
    try {
      return p.types()[i].value(text);
    } catch (IllegalArgumentException misfit) {
      throw SqlErrors.of(SqlErrors.NOT_SUPPORTED, "payload field " + p.fields()[i].label() + " holds " + text
          + ", which is not " + p.types()[i].label() + " as this statement was planned: the column has widened"
          + " since (annals_system.typed_columns says so); run the statement again, and prepare it again if it"
          + " is a prepared statement");
    }
  }

  int size() {
    return size;
  }

  /** Puts row {@code row}'s JSON fields into {@code values}, starting at {@code offset}. */
  void read(VectorSchemaRoot batch, int row, Object[] values, int offset) {
    for (Pass p : passes) {
      VarCharVector v = (VarCharVector) batch.getVector(p.vector());
      if (v.isNull(row)) {
        for (int out : p.outputs()) {
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
      p.scalars().read(buffer, 0, length, p.values());
      for (int i = 0; i < p.outputs().length; i++) {
        String text = p.values()[i];
        values[offset + p.outputs()[i]] = p.types()[i] == null ? text : typed(p, i, text);
      }
    }
  }
}
