package org.annals.storage;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.annals.storage.fs.CrashPoint;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.manifest.ManifestStore;
import org.annals.storage.scan.ParquetFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the store's manifest changes: flushes and compactions commit here, one at a time,
 * each change applied to the manifest current at its commit, so that a flush committing while a
 * compaction writes its file (or the reverse) loses neither's files.
 *
 * <p>A commit that fails part-way has an unknown outcome (the new manifest may or may not be what
 * the next open loads), so after one every later commit is refused until the store is reopened,
 * and nothing is deleted. After each commit, files earlier commits replaced are deleted once no
 * reader can need them ({@link CommittedState#takeUnused}). Thread-safe.
 */
final class ManifestCommits {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestCommits.class);

  private final DataFolder folder;
  private final ManifestStore store;
  private final CommittedState state;
  private final ParquetFiles files;
  private IOException uncertain;

  ManifestCommits(DataFolder folder, ManifestStore store, CommittedState state, ParquetFiles files) {
    this.folder = folder;
    this.store = store;
    this.state = state;
    this.files = files;
  }

  /** Throws if an earlier commit's outcome is unknown: nothing may be committed until a reopen. */
  synchronized void checkUsable() throws IOException {
    if (uncertain != null) {
      throw new IOException("manifest commits are disabled since one failed with an unknown outcome;"
          + " reopen the store to recover", uncertain);
    }
  }

  /**
   * Commits the change of the current manifest durably and publishes it.
   *
   * @param replaced files the current manifest lists and the changed one does not, deleted once
   *     unused
   * @return the committed manifest
   * @throws Refused if the change does not apply to the current manifest: nothing was committed
   * @throws IOException if the commit failed: its outcome is unknown, and commits are disabled
   */
  synchronized Manifest commit(UnaryOperator<Manifest> change, List<DataFile> replaced) throws IOException {
    checkUsable();
    Manifest next;
    try {
      next = change.apply(state.manifest());
    } catch (RuntimeException e) {
      throw new Refused(e);
    }
    durably(next);
    state.publish(next, replaced);
    if (!replaced.isEmpty()) {
      // The manifest before this one lists the replaced files (and an erased entity in their
      // statistics), and the store keeps it as the fallback for a damaged newest one. Committing
      // the same state once more makes it leave, so the files can go as soon as no query reads
      // them: a reader of the folder (DuckDB, Spark) then sees them beside their replacements
      // only while a query of Annals still reads them.
      Manifest again = next.next();
      durably(again);
      state.publish(again, List.of());
      next = again;
    }
    deleteUnused();
    return next;
  }

  /** Commits a manifest to the store; a failure has an unknown outcome and disables commits. */
  private void durably(Manifest next) throws IOException {
    try {
      store.commit(next);
    } catch (IOException | RuntimeException e) {
      uncertain = new IOException("committing manifest " + next.version() + " failed: " + e.getMessage(), e);
      throw uncertain;
    }
  }

  /** Removes a partition's or stream's folder once its last file has gone (retention, erasure). */
  private static void deleteIfEmpty(Path dir) throws IOException {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException stillUsed) {
      // Other files live there.
    }
  }

  /**
   * A change that did not apply to the current manifest (it no longer lists a file the change
   * meant to replace): nothing was committed, so files written for it can be deleted.
   */
  static final class Refused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Refused(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Deletes the replaced files no reader needs any more. A failure only leaves a file behind,
   * which the next open deletes, as the manifest no longer lists it.
   */
  synchronized void deleteUnused() {
    if (uncertain != null) {
      return;
    }
    List<DataFile> unused = state.takeUnused();
    for (DataFile f : unused) {
      try {
        Path file = folder.resolve(f.path());
        files.forget(file);
        Files.deleteIfExists(file);
        deleteIfEmpty(file.getParent());
        deleteIfEmpty(file.getParent().getParent());
      } catch (IOException e) {
        LOG.warn("could not delete {}, which no manifest lists any more; the next open will: {}",
            f.path(), e.getMessage());
      }
    }
    if (!unused.isEmpty()) {
      CrashPoint.REPLACED_DELETED.reached();
      LOG.debug("deleted {} replaced files", unused.size());
    }
  }
}
