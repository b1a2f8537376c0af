package org.annals.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventIds;
import org.annals.storage.event.EventPosition;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.index.RecentEventIds;
import org.annals.storage.index.StreamIndex;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.manifest.ManifestStore;
import org.annals.storage.memtable.ChunkFiles;
import org.annals.storage.memtable.Memtable;
import org.annals.storage.memtable.MemtableChunk;
import org.annals.storage.memtable.PinnedRows;
import org.annals.storage.scan.DamagedFileException;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.ParquetFiles;
import org.annals.storage.scan.Snapshot;
import org.annals.storage.wal.WalGapException;
import org.annals.storage.wal.WalRecovery;
import org.annals.storage.wal.WalSegments;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a data folder back to the state its acknowledged appends define:
 *
 * <ol>
 *   <li>load the newest valid manifest;
 *   <li>fail closed if a file it lists is missing or has the wrong size;
 *   <li>rebuild stream counters and entity versions from the manifest and the files, and the
 *       recent event ids from the files whose events are still inside the retry window;
 *   <li>map the memtable chunk files that continue the manifest's covered position, and replay
 *       the WAL above them into the memtable (truncating a torn tail);
 *   <li>delete temporary files and Parquet files no manifest lists (a flush that crashed before
 *       its commit), and delete segments the manifest already covers.
 * </ol>
 *
 * Unlisted files are deleted only after the replay has shown that the log continues the manifest:
 * if a newer manifest was skipped as damaged, its files are unlisted too, and they may hold the
 * only copy of events whose segments that manifest's commit deleted.
 */
final class StoreRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);

  /**
   * The recovered state, ready for a WAL writer to continue.
   *
   * @param index each stream's next seq, and the entity versions of the files and the replayed
   *     log; {@code rebuilding} adds those of the loaded memtable chunks
   * @param ids the retry memory, which {@code rebuilding} fills, and so not to be touched before
   *     it completes
   * @param rebuild gives, from a thread of its own, the entity versions of the loaded memtable
   *     chunks, once it has also filled {@code ids}
   */
  record Recovered(Manifest manifest, Memtable memtable, StreamIndex index, RecentEventIds ids,
      VersionsRebuild rebuild, WalRecovery.Result wal, long lastRecordedAt,
      Map<String, String> damagedStreams) {}

  private StoreRecovery() {}

  static Recovered recover(StoreOptions options, DataFolder folder, ManifestStore manifests,
      ParquetFiles parquet, BufferAllocator allocator) throws IOException {
    manifests.deleteTemporaryFiles();
    Manifest manifest = manifests.loadNewest();
    verifyFiles(folder, manifest);

    StreamIndex index = new StreamIndex();
    manifest.streamNextSeq().forEach((stream, next) -> index.getOrCreate(stream).advanceTo(next));
    long now = options.clock().millis();
    RecentEventIds ids = new RecentEventIds(options.idempotencyWindow().toMillis(),
        options.idempotencyMaxEntries());
    Map<String, String> damagedStreams = new TreeMap<>();
    long lastRecordedAt = rebuildFromFiles(options, folder, manifest, parquet, allocator, index, ids, now,
        damagedStreams);

    int threads = Runtime.getRuntime().availableProcessors();
    ChunkFiles chunkFiles = new ChunkFiles(folder.memtable(), allocator);
    List<MemtableChunk> loaded;
    Memtable memtable;
    try {
      loaded = chunkFiles.load(manifest.coveredGlobalSeq(), threads);
      memtable = new Memtable(allocator, manifest.coveredGlobalSeq(), options.memtableChunkRows(), chunkFiles, loaded);
    } catch (IOException | RuntimeException e) {
      chunkFiles.close();
      throw e;
    }
    long replayFrom = memtable.endGlobalSeq();
    long[] maxRecordedAt = {Math.max(lastRecordedAt, ChunkReplay.newestRecordedAt(loaded))};
    WalRecovery.Result wal;
    Manifest current;
    try {
      ChunkReplay.advanceStreams(loaded, index);
      wal = WalRecovery.replay(folder.wal(), manifest.coveredGlobalSeq(), replayFrom,
          () -> new SegmentReplay(allocator, replayFrom, options.memtableChunkRows()),
          segment -> maxRecordedAt[0] = Math.max(maxRecordedAt[0], segment.joinInto(memtable, index)),
          threads);
      current = deleteUnlisted(folder, manifest, manifests);
    } catch (WalGapException gap) {
      memtable.close();
      throw explained(gap, folder, manifests);
    } catch (IOException | RuntimeException e) {
      memtable.close();
      throw e;
    }
    int deleted = WalSegments.deleteCovered(folder.wal(), current.coveredGlobalSeq());
    LOG.info("recovered {}: manifest {} with {} files, {} unflushed events mapped from memtable chunk files and"
        + " {} replayed from the WAL{}, {} covered segments deleted", folder.root(), current.version(),
        current.files().size(), replayFrom - manifest.coveredGlobalSeq(), memtable.endGlobalSeq() - replayFrom,
        wal.truncatedBytes() > 0 ? " (torn tail of " + wal.truncatedBytes()
            + " bytes truncated)" : "", deleted);
    VersionsRebuild rebuild = rebuildInBackground(options, manifest, memtable, loaded, ids, now);
    return new Recovered(current, memtable, index, ids, rebuild, wal, maxRecordedAt[0], damagedStreams);
  }

  /**
   * Builds, on a thread of its own, the entity versions of the loaded chunks and the retry memory
   * of the newest unflushed events: only appends need them, and over a gigabyte of unflushed
   * events they took about 2.5 s of the 4 s a store took to open. The store serves queries
   * meanwhile; its first append waits for them ({@link VersionsRebuild} says when they start).
   */
  private static VersionsRebuild rebuildInBackground(StoreOptions options, Manifest manifest, Memtable memtable,
      List<MemtableChunk> loaded, RecentEventIds ids, long now) {
    // Pinned now, before an append could add a row: the retry memory must end with the log as
    // it was at open, and the chunks must live until the rebuild is done with them.
    PinnedRows pinned = memtable.pin();
    if (pinned.rowCount() == 0) {
      pinned.release();
      return VersionsRebuild.none();
    }
    return VersionsRebuild.startingSoon(() -> {
      try {
        long started = System.nanoTime();
        StreamIndex versions = ChunkReplay.versions(loaded);
        rememberReplayedIds(options, manifest, pinned, ids, now);
        if (!loaded.isEmpty()) {
          LOG.info("rebuilt the entity versions of {} events mapped from chunk files, and the retry memory, in {} ms",
              loaded.stream().mapToLong(MemtableChunk::rowCount).sum(), (System.nanoTime() - started) / 1_000_000);
        }
        return versions;
      } finally {
        pinned.release();
      }
    }, pinned::release);
  }

  /**
   * Remembers the ids of the unflushed events that are still inside the retry window, the newest
   * {@code idempotencyMaxEntries} at most, read back from the memtable once it is whole. Every id
   * is remembered: the log does not say which ids a client chose, and remembering a store-made
   * one costs only memory within the same bound. Reading only the newest rows, after the replay,
   * spares the replay a memory of millions of ids of which all but the newest would be evicted.
   */
  private static void rememberReplayedIds(StoreOptions options, Manifest manifest, PinnedRows pinned,
      RecentEventIds ids, long now) {
    int max = options.idempotencyMaxEntries();
    long window = options.idempotencyWindow().toMillis();
    if (max == 0 || window == 0) {
      return;
    }
    long from = Math.max(manifest.coveredGlobalSeq(), pinned.endGlobalSeq() - max);
    long cutoff = now - window;
    // Read from the chunks as they are: a scan would copy a million rows into fresh batches first.
    // Indexed once at the end, not entry by entry: most of a million are evicted again.
    ids.deferIndexing();
    for (PinnedRows.Part part : pinned.parts()) {
      MemtableChunk chunk = part.chunk();
      int first = (int) Math.max(0, Math.min(part.rows(), from - chunk.firstGlobalSeq()));
      byte[][] streamName = {null};
      String[] stream = {null};
      chunk.read(first, part.rows(), row -> {
        long recordedAt = row.getLong(EventColumn.RECORDED_AT);
        if (recordedAt >= cutoff) {
          if (streamName[0] == null || !row.bytesEqual(EventColumn.STREAM_NAME, streamName[0])) {
            streamName[0] = row.getBytes(EventColumn.STREAM_NAME);
            stream[0] = new String(streamName[0], StandardCharsets.UTF_8);
          }
          ids.add(new EventPosition(stream[0], row.getLong(EventColumn.SEQ),
              row.isNull(EventColumn.VERSION) ? null : row.getLong(EventColumn.VERSION),
              row.getLong(EventColumn.GLOBAL_SEQ), EventIds.readText(row.getBytes(EventColumn.EVENT_ID), 0),
              recordedAt), now);
        }
        return true;
      });
    }
    ids.indexAll();
  }

  /**
   * The position of row {@code i} of a batch whose columns are seq, version, global_seq, event_id
   * and recorded_at.
   */
  private static EventPosition position(String stream, VectorSchemaRoot b, int i) {
    BigIntVector seq = (BigIntVector) b.getVector(0);
    BigIntVector version = (BigIntVector) b.getVector(1);
    BigIntVector global = (BigIntVector) b.getVector(2);
    VarCharVector id = (VarCharVector) b.getVector(3);
    TimeStampMilliTZVector at = (TimeStampMilliTZVector) b.getVector(4);
    return new EventPosition(stream, seq.get(i), version.isNull(i) ? null : version.get(i), global.get(i),
        EventIds.readText(id.get(i), 0), at.get(i));
  }

  /** Once the list passes twice the limit, keeps only the newest {@code max} by global_seq. */
  private static void keepNewest(List<EventPosition> positions, int max) {
    if (positions.size() > 2L * max) {
      positions.sort(Comparator.comparingLong(EventPosition::globalSeq));
      positions.subList(0, positions.size() - max).clear();
    }
  }

  private static void verifyFiles(DataFolder folder, Manifest manifest) throws IOException {
    for (DataFile f : manifest.files()) {
      Path p = folder.resolve(f.path());
      if (!Files.isRegularFile(p)) {
        throw new IOException("manifest " + manifest.version() + " lists " + p + " but the file is"
            + " missing; its " + f.rows() + " events cannot be read, so the store will not open"
            + " until the file is restored");
      }
      long size = Files.size(p);
      if (size != f.bytes()) {
        throw new IOException("manifest " + manifest.version() + " lists " + p + " with " + f.bytes()
            + " bytes but the file has " + size + "; the store will not open until the file is"
            + " restored");
      }
    }
  }

  /**
   * Deletes the files no manifest lists, and returns the manifest to go on with. If a kept older
   * manifest still lists one (a crash came between a compaction's commit and the commit that
   * makes the manifest before it leave), the same state is committed once more first, so that a
   * fallback from a damaged newest manifest never finds a listed file gone.
   */
  private static Manifest deleteUnlisted(DataFolder folder, Manifest manifest, ManifestStore manifests)
      throws IOException {
    if (!Files.isDirectory(folder.events())) {
      return manifest;
    }
    Set<String> listed = new HashSet<>();
    for (DataFile f : manifest.files()) {
      listed.add(f.path());
    }
    List<Path> strays;
    try (Stream<Path> walk = Files.walk(folder.events())) {
      strays = walk.filter(Files::isRegularFile)
          .filter(p -> !listed.contains(folder.relativize(p)))
          .toList();
    }
    Set<String> fallbackLists = strays.isEmpty() ? Set.of() : manifests.filesListedBefore(manifest.version());
    Manifest current = manifest;
    if (strays.stream().anyMatch(p -> fallbackLists.contains(folder.relativize(p)))) {
      current = manifest.next();
      manifests.commit(current);
    }
    for (Path p : strays) {
      Files.delete(p);
      LOG.info("deleted {}, which the newest manifest does not list", p);
    }
    return current;
  }

  /**
   * A gap between the manifest and the log, with its likely cause: a newer manifest found damaged
   * and moved aside, on this open or an earlier one, which the operator should restore.
   */
  private static IOException explained(WalGapException gap, DataFolder folder, ManifestStore manifests)
      throws IOException {
    List<Path> damaged = manifests.damaged();
    if (damaged.isEmpty()) {
      return gap;
    }
    Path newest = damaged.get(damaged.size() - 1);
    String name = newest.getFileName().toString();
    return new IOException(gap.getMessage() + ". The manifest " + folder.relativize(newest) + " was found damaged and"
        + " moved aside; those events are in the data files it lists. Restore "
        + name.substring(0, name.length() - ".corrupt".length()) + " from a backup of the data folder and open again",
        gap);
  }

  /**
   * Rebuilds versions from every file and ids from recent files; returns the newest recorded_at.
   * A stream with a file that cannot be read is noted in {@code damagedStreams} (stream to file)
   * and the others are rebuilt as usual: the store opens, serves what it can read, and refuses
   * appends to that stream, whose versions it no longer knows.
   */
  private static long rebuildFromFiles(StoreOptions options, DataFolder folder, Manifest manifest,
      ParquetFiles parquet, BufferAllocator allocator, StreamIndex index, RecentEventIds ids, long now,
      Map<String, String> damagedStreams) throws IOException {
    long newest = Long.MIN_VALUE;
    for (DataFile f : manifest.files()) {
      newest = Math.max(newest, f.maxRecordedAt());
    }
    if (manifest.files().isEmpty()) {
      return newest;
    }
    long windowStart = now - options.idempotencyWindow().toMillis();
    List<EventPosition> recent = new ArrayList<>();
    // A file holds one stream, so each stream's files are scanned on their own: no row's stream
    // name is read or decoded, and each row finds its stream's index without a lookup.
    Set<String> streams = new TreeSet<>();
    for (DataFile f : manifest.files()) {
      streams.add(f.streamName());
    }
    // The store's own file cache: the footers read here serve the first queries too.
    try (Snapshot files = new Snapshot(manifest, new PinnedRows(List.of(), 0), folder, allocator, parquet,
        () -> {})) {
      for (String stream : streams) {
        try {
          StreamIndex.StreamState state = index.getOrCreate(stream);
          ScanSpec versions = ScanSpec.builder().stream(stream)
              .columns(EventColumn.ENTITY_ID, EventColumn.VERSION).build();
          try (EventScanner scan = files.scan(versions)) {
            while (scan.next()) {
              VectorSchemaRoot b = scan.batch();
              VarCharVector entity = (VarCharVector) b.getVector(0);
              BigIntVector version = (BigIntVector) b.getVector(1);
              for (int i = 0; i < b.getRowCount(); i++) {
                if (!entity.isNull(i)) {
                  state.recordVersion(entity.get(i), version.get(i));
                }
              }
            }
          }
          if (options.idempotencyMaxEntries() > 0 && options.idempotencyWindow().toMillis() > 0) {
            ScanSpec idSpec = ScanSpec.builder().stream(stream)
                .columns(EventColumn.SEQ, EventColumn.VERSION, EventColumn.GLOBAL_SEQ,
                    EventColumn.EVENT_ID, EventColumn.RECORDED_AT)
                .recordedBetween(windowStart, Long.MAX_VALUE).build();
            try (EventScanner scan = files.scan(idSpec)) {
              while (scan.next()) {
                VectorSchemaRoot b = scan.batch();
                for (int i = 0; i < b.getRowCount(); i++) {
                  recent.add(position(stream, b, i));
                }
                keepNewest(recent, options.idempotencyMaxEntries());
              }
            }
          }
        } catch (DamagedFileException e) {
          damagedStreams.put(stream, e.path());
          LOG.error("{}; appends to stream '{}' are refused until it is restored", e.getMessage(), stream);
        }
      }
    }
    recent.sort(Comparator.comparingLong(EventPosition::globalSeq));
    for (EventPosition p : recent) {
      ids.add(p, now);
    }
    return newest;
  }
}
