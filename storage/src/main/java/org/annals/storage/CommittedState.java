package org.annals.storage;

import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.memtable.Memtable;
import org.annals.storage.scan.FooterCache;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.conf.Configuration;

/**
 * The current manifest and the memtable, changed together: a flush publishes its manifest and
 * drops the memtable rows it covers in one step, and a snapshot reads both in one step, so no
 * snapshot sees a row in both places or in neither. Thread-safe.
 */
final class CommittedState {
  private final Memtable memtable;
  private final DataFolder folder;
  private final Configuration conf;
  private final BufferAllocator allocator;
  private final FooterCache footers = new FooterCache(FooterCache.DEFAULT_FILES);
  private Manifest manifest;

  CommittedState(Manifest manifest, Memtable memtable, DataFolder folder, Configuration conf,
      BufferAllocator allocator) {
    this.manifest = manifest;
    this.memtable = memtable;
    this.folder = folder;
    this.conf = conf;
    this.allocator = allocator;
  }

  synchronized Manifest manifest() {
    return manifest;
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(manifest, memtable.pin(), folder, conf, allocator, footers);
  }

  synchronized void publish(Manifest next) {
    manifest = next;
    memtable.dropBelow(next.coveredGlobalSeq());
  }
}
