package org.annals.storage;

import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.memtable.Memtable;
import org.annals.storage.scan.ParquetFiles;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The current manifest and the memtable, changed together: a flush publishes its manifest and
 * drops the memtable rows it covers in one step, and a snapshot reads both in one step, so no
 * snapshot sees a row in both places or in neither. Thread-safe.
 */
final class CommittedState {
  private final Memtable memtable;
  private final DataFolder folder;
  private final BufferAllocator allocator;
  private final ParquetFiles files;
  private Manifest manifest;

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
    return new Snapshot(manifest, memtable.pin(), folder, allocator, files);
  }

  synchronized void publish(Manifest next) {
    manifest = next;
    memtable.dropBelow(next.coveredGlobalSeq());
  }
}
