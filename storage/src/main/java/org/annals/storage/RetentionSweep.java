package org.annals.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.annals.storage.event.EventColumn;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.scan.DamagedFileException;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes expired events out of the store: for each stream with a retention, the files whose
 * newest event is older than the retention leave the manifest in one commit, and their files the
 * disk once no query reads them. A file holds one stream's day (after compaction, the whole day),
 * so events leave a day at a time, once the day's last event has expired: an event stays at least
 * its retention, and at most a day longer. Unflushed events leave once flushed. A retention by
 * count drops a stream's oldest files as long as the files after them hold its newest N events.
 *
 * <p>Each stream keeps its counters (a seq is never given twice); an entity whose events have all
 * left is forgotten, so that its next event is version 0, as the index a reopen rebuilds from the
 * remaining events says. Run one sweep at a time, and not beside a compaction (the store runs both
 * on its maintenance thread).
 */
final class RetentionSweep {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweep.class);

  private final CommittedState state;
  private final ManifestCommits commits;
  private final Sequencer sequencer;
  private final Clock clock;

  RetentionSweep(CommittedState state, ManifestCommits commits, Sequencer sequencer, Clock clock) {
    this.state = state;
    this.commits = commits;
    this.sequencer = sequencer;
    this.clock = clock;
  }

  /** Drops every expired file; returns how many. */
  int sweep() throws IOException {
    Manifest m = state.manifest();
    if (m.retentionMillis().isEmpty() && m.retainedEvents().isEmpty()) {
      return 0;
    }
    long now = clock.millis();
    Set<DataFile> expired = new LinkedHashSet<>();
    for (DataFile f : m.files()) {
      Long keep = m.retentionMillis().get(f.streamName());
      if (keep != null && f.maxRecordedAt() <= now - keep) {
        expired.add(f);
      }
    }
    m.retainedEvents().forEach((stream, keep) -> expired.addAll(beyondCount(m, stream, keep)));
    if (expired.isEmpty()) {
      return 0;
    }
    return drop(new ArrayList<>(expired));
  }

  /**
   * A stream's oldest files whose events its newest {@code keep} flushed events do not need: a
   * file leaves only if the files after it still hold that many, and only if all its events are
   * older than every event of the files that stay (compaction merges files by size, so a merged
   * file can span the events of one between its parts; that one must then stay too). Unflushed
   * events are not counted, so a stream holds at least {@code keep} events.
   */
  static List<DataFile> beyondCount(Manifest m, String stream, long keep) {
    List<DataFile> files = new ArrayList<>();
    long stored = 0;
    for (DataFile f : m.files()) {
      if (f.streamName().equals(stream)) {
        files.add(f);
        stored += f.rows();
      }
    }
    files.sort(Comparator.comparingLong(DataFile::maxGlobalSeq));
    long[] oldestAfter = new long[files.size() + 1];
    oldestAfter[files.size()] = Long.MAX_VALUE;
    for (int i = files.size() - 1; i >= 0; i--) {
      oldestAfter[i] = Math.min(oldestAfter[i + 1], files.get(i).minGlobalSeq());
    }
    List<DataFile> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      DataFile f = files.get(i);
      if (stored - f.rows() < keep || f.maxGlobalSeq() >= oldestAfter[i + 1]) {
        break;
      }
      stored -= f.rows();
      out.add(f);
    }
    return out;
  }

  private int drop(List<DataFile> expired) throws IOException {
    Map<String, Map<ByteBuffer, Long>> gone = lastVersions(expired);
    commits.commit(current -> current.without(expired), expired);
    int forgotten = 0;
    for (Map.Entry<String, Map<ByteBuffer, Long>> stream : gone.entrySet()) {
      forgotten += sequencer.forgetGone(stream.getKey(), stream.getValue());
    }
    long events = expired.stream().mapToLong(DataFile::rows).sum();
    LOG.info("retention: {} events in {} files expired; {} entities have no event left", events, expired.size(),
        forgotten);
    return expired.size();
  }

  /**
   * Per stream, each entity of the expired files with the last version among them. A file that
   * cannot be read still leaves (its events have expired either way), but its entities are not
   * forgotten, as nothing tells whether they have events left.
   */
  private Map<String, Map<ByteBuffer, Long>> lastVersions(List<DataFile> expired) throws IOException {
    Map<String, Map<ByteBuffer, Long>> out = new TreeMap<>();
    ScanSpec versions = ScanSpec.builder().columns(EventColumn.ENTITY_ID, EventColumn.VERSION)
        .isNotNull(EventColumn.ENTITY_ID).build();
    for (DataFile f : expired) {
      Map<ByteBuffer, Long> stream = new HashMap<>();
      try (Snapshot one = state.filesOnly(List.of(f)); EventScanner scan = one.scan(versions)) {
        while (scan.next()) {
          VectorSchemaRoot b = scan.batch();
          VarCharVector entity = (VarCharVector) b.getVector(0);
          BigIntVector version = (BigIntVector) b.getVector(1);
          for (int i = 0; i < b.getRowCount(); i++) {
            stream.merge(ByteBuffer.wrap(entity.get(i)), version.get(i), Math::max);
          }
        }
      } catch (DamagedFileException e) {
        LOG.warn("{}; it leaves with the expired events, but its entities keep their versions", e.getMessage());
        continue;
      }
      stream.forEach((entity, version) -> out.computeIfAbsent(f.streamName(), k -> new HashMap<>())
          .merge(entity, version, Math::max));
    }
    return out;
  }
}
