package org.annals.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.annals.storage.compaction.CompactionPolicy;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.scan.ParquetFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges small files of a partition into larger ones, as {@link CompactionPolicy} chooses, while
 * appends, flushes and queries go on:
 *
 * <ol>
 *   <li>merge the chosen files' rows in file order into a new file (written like a flush's);
 *   <li>commit a manifest that lists it in their place (the commit point);
 *   <li>delete the replaced files once no snapshot reads them ({@link ManifestCommits}).
 * </ol>
 *
 * A crash before step 2 leaves an unlisted file, which the next open deletes; after it, the
 * replaced files are unlisted and deleted the same way. No step changes which events exist or
 * where the log stands. One compaction runs at a time (the methods are synchronized).
 */
final class Compactor {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  private final DataFolder folder;
  private final CommittedState state;
  private final ManifestCommits commits;
  private final MergedFileWriter writer;
  private final ParquetFiles files;
  private final CompactionPolicy policy;
  private final Clock clock;
  private final AtomicLong merges = new AtomicLong();
  private final AtomicLong mergedFiles = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();

  Compactor(DataFolder folder, CommittedState state, ManifestCommits commits, MergedFileWriter writer,
      ParquetFiles files, CompactionPolicy policy, Clock clock) {
    this.folder = folder;
    this.state = state;
    this.commits = commits;
    this.writer = writer;
    this.files = files;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * Runs merges until the policy asks for none, or until {@code stop} says so (a merge under way
   * is then abandoned, its file deleted).
   *
   * @return the merges committed
   */
  synchronized int compact(BooleanSupplier stop) throws IOException {
    int done = 0;
    commits.deleteUnused();
    while (!stop.getAsBoolean()) {
      LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
      List<List<DataFile>> chosen = policy.merges(readable(state.manifest().files()), today);
      if (chosen.isEmpty()) {
        break;
      }
      for (List<DataFile> inputs : chosen) {
        if (stop.getAsBoolean()) {
          break;
        }
        merge(inputs, stop);
        done++;
      }
    }
    return done;
  }

  /**
   * The files not found damaged: a merge would fail on a damaged one every time, and its
   * partition's other files are still worth merging.
   */
  private List<DataFile> readable(List<DataFile> listed) {
    var damaged = files.damaged();
    if (damaged.isEmpty()) {
      return listed;
    }
    return listed.stream().filter(f -> !damaged.containsKey(f.path())).toList();
  }

  /** Merges files of one partition into one and commits it in their place. */
  private void merge(List<DataFile> inputs, BooleanSupplier stop) throws IOException {
    commits.checkUsable();
    long started = System.nanoTime();
    DataFile first = inputs.get(0);
    long rows = 0;
    for (DataFile f : inputs) {
      rows += f.rows();
    }
    DataFile merged = writer.write(inputs, rows, null, stop);
    try {
      commits.commit(m -> m.replacing(inputs, List.of(merged)), inputs);
    } catch (ManifestCommits.Refused e) {
      // Not committed, the file holds nothing the store needs. (A commit failing with an
      // IOException has an unknown outcome: the next open keeps the file only if it committed.)
      Files.deleteIfExists(folder.resolve(merged.path()));
      throw e;
    }
    merges.incrementAndGet();
    mergedFiles.addAndGet(inputs.size());
    nanos.addAndGet(System.nanoTime() - started);
    LOG.info("compacted {} files of {}/{} ({} events) into {}", inputs.size(), first.streamName(), first.date(),
        rows, merged.path());
  }

  /** Merges committed since open. */
  long merges() {
    return merges.get();
  }

  /** Files those merges replaced. */
  long mergedFiles() {
    return mergedFiles.get();
  }

  /** Time those merges took. */
  long nanos() {
    return nanos.get();
  }
}
