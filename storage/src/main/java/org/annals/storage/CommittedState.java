package org.annals.storage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.memtable.Memtable;
import org.annals.storage.memtable.PinnedRows;
import org.annals.storage.scan.ParquetFiles;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The current manifest and the memtable, changed together: a flush publishes its manifest and
 * drops the memtable rows it covers in one step, and a snapshot reads both in one step, so no
 * snapshot sees a row in both places or in neither.
 *
 * <p>It also knows which manifest versions open snapshots read, and so when a file a commit took
 * out of the manifest (a compaction's inputs) can be deleted: once no snapshot reads a version
 * that lists it, and once the manifest store no longer keeps such a version as the fallback for a
 * damaged newest one. Thread-safe.
 */
final class CommittedState {
  private final Memtable memtable;
  private final DataFolder folder;
  private final BufferAllocator allocator;
  private final ParquetFiles files;
  private Manifest manifest;
  /** Open snapshots by the manifest version they read. */
  private final TreeMap<Long, Integer> openSnapshots = new TreeMap<>();
  /** Files taken out of the manifest and not yet deleted. */
  private final List<Retired> retired = new ArrayList<>();

  /** A file the manifest of {@code version} no longer lists; the version before it did. */
  private record Retired(DataFile file, long version) {}

  CommittedState(Manifest manifest, Memtable memtable, DataFolder folder, ParquetFiles files,
      BufferAllocator allocator) {
    this.manifest = manifest;
    this.memtable = memtable;
    this.folder = folder;
    this.files = files;
    this.allocator = allocator;
  }

  synchronized Manifest manifest() {
    return manifest;
  }

  synchronized Snapshot snapshot() {
    long version = manifest.version();
    openSnapshots.merge(version, 1, Integer::sum);
    return new Snapshot(manifest, memtable.pin(), folder, allocator, files, () -> closed(version));
  }

  /**
   * A snapshot of some files of the current manifest and nothing else, for reading them before a
   * commit takes them out (retention, erasure). The caller holds the maintenance lock, so nothing
   * else can take them out meanwhile.
   */
  Snapshot filesOnly(List<DataFile> listed) {
    Manifest current = manifest();
    Manifest only = new Manifest(Manifest.FORMAT_VERSION, current.version(), current.coveredGlobalSeq(), Map.of(),
        listed, Map.of(), Map.of());
    return new Snapshot(only, new PinnedRows(List.of(), 0), folder, allocator, files, () -> {});
  }

  private synchronized void closed(long version) {
    openSnapshots.computeIfPresent(version, (v, n) -> n == 1 ? null : n - 1);
  }

  /**
   * Makes a committed manifest current and drops the memtable rows it covers.
   *
   * @param replaced files the previous manifest listed and this one does not
   */
  synchronized void publish(Manifest next, List<DataFile> replaced) {
    manifest = next;
    memtable.dropBelow(next.coveredGlobalSeq());
    for (DataFile f : replaced) {
      retired.add(new Retired(f, next.version()));
    }
  }

  /**
   * Takes the retired files nothing can read any more: no open snapshot reads a manifest that
   * lists them, and a newer commit has made the manifest store delete the last such manifest
   * (it keeps the newest two), so falling back from a damaged newest manifest never finds a
   * listed file gone ({@link ManifestCommits} makes that commit at once). The caller deletes them.
   */
  synchronized List<DataFile> takeUnused() {
    long oldestRead = openSnapshots.isEmpty() ? manifest.version() : openSnapshots.firstKey();
    List<DataFile> unused = new ArrayList<>();
    for (Iterator<Retired> it = retired.iterator(); it.hasNext(); ) {
      Retired r = it.next();
      if (r.version() <= oldestRead && r.version() < manifest.version()) {
        unused.add(r.file());
        it.remove();
      }
    }
    return unused;
  }

  /** Files taken out of the manifest and not deleted yet. */
  synchronized int retiredFiles() {
    return retired.size();
  }
}
