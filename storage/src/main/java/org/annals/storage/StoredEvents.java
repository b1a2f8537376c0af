package org.annals.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Turns scan batches into {@link StoredEvent} objects, for callers that want whole events. */
public final class StoredEvents {
  private StoredEvents() {}

  /** Reads every row a spec selects, with all columns, whatever columns the spec names. */
  public static List<StoredEvent> readAll(Snapshot snapshot, ScanSpec spec) throws IOException {
    List<StoredEvent> out = new ArrayList<>();
    try (EventScanner scan = snapshot.scan(spec.withColumns(EventColumn.ALL))) {
      while (scan.next()) {
        addAll(scan.batch(), out);
      }
    }
    return out;
  }

  /** Adds the events of a batch that has all columns in {@link EventColumn} order. */
  public static void addAll(VectorSchemaRoot batch, List<StoredEvent> out) {
    VarCharVector stream = (VarCharVector) batch.getVector(EventColumn.STREAM_NAME.ordinal());
    BigIntVector seq = (BigIntVector) batch.getVector(EventColumn.SEQ.ordinal());
    BigIntVector global = (BigIntVector) batch.getVector(EventColumn.GLOBAL_SEQ.ordinal());
    VarCharVector entity = (VarCharVector) batch.getVector(EventColumn.ENTITY_ID.ordinal());
    BigIntVector version = (BigIntVector) batch.getVector(EventColumn.VERSION.ordinal());
    VarCharVector id = (VarCharVector) batch.getVector(EventColumn.EVENT_ID.ordinal());
    VarCharVector type = (VarCharVector) batch.getVector(EventColumn.EVENT_TYPE.ordinal());
    TimeStampMilliTZVector at = (TimeStampMilliTZVector) batch.getVector(EventColumn.RECORDED_AT.ordinal());
    VarCharVector payload = (VarCharVector) batch.getVector(EventColumn.PAYLOAD.ordinal());
    VarCharVector metadata = (VarCharVector) batch.getVector(EventColumn.METADATA.ordinal());
    for (int i = 0; i < batch.getRowCount(); i++) {
      out.add(new StoredEvent(text(stream, i), seq.get(i), global.get(i), text(entity, i),
          version.isNull(i) ? null : version.get(i), UUID.fromString(text(id, i)), text(type, i),
          at.get(i), text(payload, i), text(metadata, i)));
    }
  }

  private static String text(VarCharVector v, int i) {
    return v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
  }
}
