package org.annals.storage.compaction;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.annals.storage.manifest.DataFile;

/**
 * Chooses which files of a partition (one stream, one UTC day) to merge, so that the files a
 * query opens stay few however often the store flushes, while each event is rewritten only a
 * few times.
 *
 * <ul>
 *   <li><b>A past day</b> takes no new events (recorded_at comes from the store's clock and never
 *       goes back), so its files are merged into one, up to {@code maxFileBytes} a file.
 *   <li><b>Today</b> (and any later day) still grows with every flush. Its files are grouped in
 *       tiers by size, each tier {@code tierRatio} times the one below, starting at
 *       {@code smallFileBytes}; a tier with {@code minFiles} files is merged into one file of a
 *       higher tier. A partition then holds fewer than {@code minFiles} files per tier (with the
 *       defaults, at most 3 in each of 6 tiers), and an event is rewritten once per tier it
 *       climbs: a handful of times before its day ends, once more after.
 * </ul>
 *
 * Files of {@code maxFileBytes} or more are left alone, and no merge takes more than
 * {@code maxInputs} files (each is read one row group at a time), or more rows than one file can
 * count. Immutable.
 */
public record CompactionPolicy(int minFiles, int maxInputs, long smallFileBytes, int tierRatio, long maxFileBytes) {

  /** What the store runs with: tiers of 1, 4, 16, 64 and 256 MiB, files up to 1 GiB. */
  public static final CompactionPolicy DEFAULT = new CompactionPolicy(4, 32, 1L << 20, 4, 1L << 30);

  public CompactionPolicy {
    if (minFiles < 2 || maxInputs < minFiles || smallFileBytes <= 0 || tierRatio < 2 || maxFileBytes <= 0) {
      throw new IllegalArgumentException("a compaction policy needs 2 <= minFiles <= maxInputs, tierRatio >= 2"
          + " and positive sizes; got " + this);
    }
  }

  /**
   * The merges to run next, at most one per partition; empty when the files are as they should
   * be. Each merge lists files of one partition, at least two.
   *
   * @param today the store clock's UTC day
   */
  public List<List<DataFile>> merges(List<DataFile> files, LocalDate today) {
    Map<String, List<DataFile>> partitions = new TreeMap<>();
    for (DataFile f : files) {
      if (f.bytes() < maxFileBytes) {
        partitions.computeIfAbsent(f.streamName() + '\u0000' + f.date(), k -> new ArrayList<>()).add(f);
      }
    }
    List<List<DataFile>> merges = new ArrayList<>();
    for (List<DataFile> partition : partitions.values()) {
      partition.sort(Comparator.comparingLong(DataFile::bytes).thenComparing(DataFile::path));
      boolean past = LocalDate.parse(partition.get(0).date()).isBefore(today);
      List<DataFile> merge = past ? smallestFitting(partition) : fullTier(partition);
      if (merge.size() >= 2) {
        merges.add(merge);
      }
    }
    return merges;
  }

  /** The lowest tier holding {@code minFiles} files, as many of them as one merge takes. */
  private List<DataFile> fullTier(List<DataFile> bySize) {
    Map<Integer, List<DataFile>> tiers = new TreeMap<>();
    for (DataFile f : bySize) {
      tiers.computeIfAbsent(tier(f.bytes()), k -> new ArrayList<>()).add(f);
    }
    for (List<DataFile> tier : tiers.values()) {
      if (tier.size() >= minFiles) {
        return smallestFitting(tier);
      }
    }
    return List.of();
  }

  /** Files from the smallest on, while their total stays within one output file. */
  private List<DataFile> smallestFitting(List<DataFile> bySize) {
    List<DataFile> picked = new ArrayList<>();
    long bytes = 0;
    long rows = 0;
    for (DataFile f : bySize) {
      if (picked.size() == maxInputs || bytes + f.bytes() > maxFileBytes || rows + f.rows() > Integer.MAX_VALUE) {
        break;
      }
      picked.add(f);
      bytes += f.bytes();
      rows += f.rows();
    }
    return picked;
  }

  /** 0 below {@code smallFileBytes}, then one more for each {@code tierRatio} times larger. */
  int tier(long bytes) {
    int tier = 0;
    for (long bound = smallFileBytes; bytes >= bound && bound < maxFileBytes; bound *= tierRatio) {
      tier++;
    }
    return tier;
  }
}
