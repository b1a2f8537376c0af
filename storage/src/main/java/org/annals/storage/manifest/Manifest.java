package org.annals.storage.manifest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One committed state of the flushed data: the Parquet files and the log position they cover.
 * Every event with a global_seq below {@code coveredGlobalSeq} is in exactly one listed file; every
 * event at or above it is in the WAL. Immutable.
 *
 * @param version increases by one with each commit
 * @param streamNextSeq for each stream with flushed events, the seq after its last flushed event
 * @param retentionMillis for each stream with a retention, the age in milliseconds past which its
 *     events leave the store; absent in manifests written before retention existed
 */
public record Manifest(
    int formatVersion,
    long version,
    long coveredGlobalSeq,
    Map<String, Long> streamNextSeq,
    List<DataFile> files,
    Map<String, Long> retentionMillis) {

  public static final int FORMAT_VERSION = 1;

  public Manifest {
    streamNextSeq = new TreeMap<>(streamNextSeq);
    files = List.copyOf(files);
    retentionMillis = retentionMillis == null ? new TreeMap<>() : new TreeMap<>(retentionMillis);
  }

  /** The state of a data folder nothing has been flushed to. */
  public static Manifest empty() {
    return new Manifest(FORMAT_VERSION, 0, 0, Map.of(), List.of(), Map.of());
  }

  /** The next manifest: these files added, covering the log up to {@code newCovered}. */
  public Manifest plus(List<DataFile> added, long newCovered, Map<String, Long> newStreamNextSeq) {
    List<DataFile> all = new ArrayList<>(files);
    all.addAll(added);
    Map<String, Long> next = new TreeMap<>(streamNextSeq);
    next.putAll(newStreamNextSeq);
    return new Manifest(FORMAT_VERSION, version + 1, newCovered, next, all, retentionMillis);
  }

  /**
   * The next manifest: {@code added} in place of {@code replaced}, which held the same events
   * (a compaction) or those and some erased. The covered position and stream counters stay.
   *
   * @throws IllegalStateException if a replaced file is not listed here
   */
  public Manifest replacing(List<DataFile> replaced, List<DataFile> added) {
    List<DataFile> kept = filesBut(replaced, "a compaction or erasure meant to replace");
    kept.addAll(added);
    return new Manifest(FORMAT_VERSION, version + 1, coveredGlobalSeq, streamNextSeq, kept, retentionMillis);
  }

  /** The same state under the next version: a commit that makes the manifest before it go. */
  public Manifest next() {
    return new Manifest(FORMAT_VERSION, version + 1, coveredGlobalSeq, streamNextSeq, files, retentionMillis);
  }

  /**
   * The next manifest without these files, whose events have expired (retention). The stream
   * counters stay: seqs are never given twice.
   */
  public Manifest without(List<DataFile> expired) {
    return new Manifest(FORMAT_VERSION, version + 1, coveredGlobalSeq, streamNextSeq,
        filesBut(expired, "retention meant to drop"), retentionMillis);
  }

  /**
   * The listed files but these, which must all be listed.
   *
   * @param meantTo what the change meant to do with them, for the error
   */
  private List<DataFile> filesBut(List<DataFile> removed, String meantTo) {
    Set<String> gone = new HashSet<>();
    for (DataFile f : removed) {
      gone.add(f.path());
    }
    List<DataFile> kept = new ArrayList<>(files.size());
    for (DataFile f : files) {
      if (!gone.remove(f.path())) {
        kept.add(f);
      }
    }
    if (!gone.isEmpty()) {
      throw new IllegalStateException("manifest " + version + " no longer lists " + gone + ", which " + meantTo);
    }
    return kept;
  }

  /** The next manifest with a stream's retention set, or removed when {@code millis} is null. */
  public Manifest withRetention(String stream, Long millis) {
    Map<String, Long> next = new TreeMap<>(retentionMillis);
    if (millis == null) {
      next.remove(stream);
    } else {
      next.put(stream, millis);
    }
    return new Manifest(FORMAT_VERSION, version + 1, coveredGlobalSeq, streamNextSeq, files, next);
  }

  public long totalRows() {
    long rows = 0;
    for (DataFile f : files) {
      rows += f.rows();
    }
    return rows;
  }
}
