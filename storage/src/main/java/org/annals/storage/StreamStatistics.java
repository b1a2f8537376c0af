package org.annals.storage;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.annals.storage.event.EventColumn;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Each stream's size, time span and retention: counts from the sequencer, the span and file sizes of
 * flushed events from the manifest alone, and the span of unflushed ones from the memtable (a
 * scan of two columns of what a flush has not written yet). Stateless.
 */
final class StreamStatistics {
  private StreamStatistics() {}

  /**
   * @param counts each stream's event and entity counts ({@link Sequencer#streamCounts})
   * @param snapshot what the spans are read from
   */
  static List<StreamStats> of(Map<String, long[]> counts, Snapshot snapshot) throws IOException {
    Map<String, Span> spans = new HashMap<>();
    for (DataFile f : snapshot.manifest().files()) {
      Span span = spans.computeIfAbsent(f.streamName(), k -> new Span());
      span.add(f.minRecordedAt());
      span.add(f.maxRecordedAt());
      span.bytes += f.bytes();
      span.files++;
      span.stored += f.rows();
    }
    ScanSpec memtableOnly = ScanSpec.builder()
        .columns(EventColumn.STREAM_NAME, EventColumn.RECORDED_AT)
        .globalSeqBetween(snapshot.manifest().coveredGlobalSeq(), Long.MAX_VALUE).build();
    StreamNames names = new StreamNames();
    try (EventScanner scan = snapshot.scan(memtableOnly)) {
      while (scan.next()) {
        VectorSchemaRoot batch = scan.batch();
        VarCharVector stream = (VarCharVector) batch.getVector(0);
        TimeStampMilliTZVector at = (TimeStampMilliTZVector) batch.getVector(1);
        for (int i = 0; i < batch.getRowCount(); i++) {
          Span span = spans.computeIfAbsent(names.of(stream, i), k -> new Span());
          span.add(at.get(i));
          span.stored++;
        }
      }
    }
    List<StreamStats> out = new ArrayList<>();
    counts.forEach((name, c) -> {
      Span span = spans.getOrDefault(name, new Span());
      boolean known = span.first != Long.MAX_VALUE;
      Long keep = snapshot.manifest().retentionMillis().get(name);
      out.add(new StreamStats(name, c[0], c[1], known ? span.first : null, known ? span.last : null,
          span.bytes, span.files, span.stored, keep == null ? null : Duration.ofMillis(keep),
          snapshot.manifest().retainedEvents().get(name)));
    });
    return out;
  }

  /** A stream's recorded_at range and flushed files so far. */
  private static final class Span {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long bytes;
    int files;
    long stored;

    void add(long recordedAt) {
      first = Math.min(first, recordedAt);
      last = Math.max(last, recordedAt);
    }
  }
}
