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
 * @param retainedEvents for each stream with a retention by count, how many of its newest events
 *     it keeps at least; absent in manifests written before that existed
 */
public record Manifest(
    int formatVersion,
    long version,
    long coveredGlobalSeq,
    Map<String, Long> streamNextSeq,
    List<DataFile> files,
    Map<String, Long> retentionMillis,
    Map<String, Long> retainedEvents) {

  public static final int FORMAT_VERSION = 1;

  public Manifest {
    streamNextSeq = new TreeMap<>(streamNextSeq);
    files = List.copyOf(files);
    retentionMillis = retentionMillis == null ? new TreeMap<>() : new TreeMap<>(retentionMillis);
    retainedEvents = retainedEvents == null ? new TreeMap<>() : new TreeMap<>(retainedEvents);
  }

  /** The state of a data folder nothing has been flushed to. */
  public static Manifest empty() {
    return new Manifest(FORMAT_VERSION, 0, 0, Map.of(), List.of(), Map.of(), Map.of());
  }

  /** The next manifest: these files added, covering the log up to {@code newCovered}. */
  public Manifest plus(List<DataFile> added, long newCovered, Map<String, Long> newStreamNextSeq) {
    List<DataFile> all = new ArrayList<>(files);
    all.addAll(added);
    Map<String, Long> next = new TreeMap<>(streamNextSeq);
    next.putAll(newStreamNextSeq);
    return new Manifest(FORMAT_VERSION, version + 1, newCovered, next, all, retentionMillis, retainedEvents);
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
    return new Manifest(FORMAT_VERSION, version + 1, coveredGlobalSeq, streamNextSeq, kept, retentionMillis, retainedEvents);
  }

  /** The same state under the next version: a commit that makes the manifest before it go. */
  public Manifest next() {
    return new Manifest(FORMAT_VERSION, version + 1, coveredGlobalSeq, streamNextSeq, files, retentionMillis, retainedEvents);
  }

  /**
   * The next manifest without these files, whose events have expired (retention). The stream
   * counters stay: seqs are never given twice.
   */
  public Manifest without(List<DataFile> expired) {
    return new Manifest(FORMAT_VERSION, version + 1, coveredGlobalSeq, streamNextSeq,
        filesBut(expired, "retention meant to drop"), retentionMillis, retainedEvents);
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
    return new Manifest(FORMAT_VERSION, version + 1, coveredGlobalSeq, streamNextSeq, files,
        with(retentionMillis, stream, millis), retainedEvents);
  }

  /** The next manifest with a stream's retention by count set, or removed when {@code events} is null. */
  public Manifest withRetainedEvents(String stream, Long events) {
    return new Manifest(FORMAT_VERSION, version + 1, coveredGlobalSeq, streamNextSeq, files, retentionMillis,
        with(retainedEvents, stream, events));
  }

  private static Map<String, Long> with(Map<String, Long> settings, String stream, Long value) {
    Map<String, Long> next = new TreeMap<>(settings);
    if (value == null) {
      next.remove(stream);
    } else {
      next.put(stream, value);
    }
    return next;
  }

  public long totalRows() {
    long rows = 0;
    for (DataFile f : files) {
      rows += f.rows();
    }
    return rows;
  }
}
