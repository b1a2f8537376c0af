package org.annals.storage.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.annals.storage.manifest.DataFile;
import org.junit.jupiter.api.Test;

class CompactionPolicyTest {
  private static final LocalDate TODAY = LocalDate.parse("2026-07-10");
  private static final long MIB = 1L << 20;
  private final CompactionPolicy policy = CompactionPolicy.DEFAULT;
  private int names;

  private DataFile file(String stream, String date, long bytes) {
    return new DataFile("events/" + stream + "/" + date + "/" + (names++) + ".parquet", stream, date, bytes / 100,
        bytes, 0, 0, 0, 0, 0, 0, null, null);
  }

  private static List<String> paths(List<DataFile> files) {
    return files.stream().map(DataFile::path).toList();
  }

  @Test
  void aPastDayIsMergedWholeAndEachPartitionOnItsOwn() {
    List<DataFile> files = List.of(file("a", "2026-07-09", 5 * MIB), file("a", "2026-07-09", 200 * MIB),
        file("b", "2026-07-09", MIB), file("a", "2026-07-08", MIB));
    List<List<DataFile>> merges = policy.merges(files, TODAY);
    assertEquals(List.of(List.of(files.get(0), files.get(1))), merges,
        "a one-file partition needs nothing, and files never mix across streams or days");
  }

  @Test
  void todayMergesOnlyAFullTierStartingWithTheLowest() {
    List<DataFile> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      files.add(file("a", "2026-07-10", 100_000));
    }
    files.add(file("a", "2026-07-10", 2 * MIB));
    files.add(file("a", "2026-07-10", 3 * MIB));
    assertEquals(List.of(), policy.merges(files, TODAY), "three files per tier are left as they are");
    files.add(file("a", "2026-07-10", 200_000));
    List<List<DataFile>> merges = policy.merges(files, TODAY);
    assertEquals(1, merges.size());
    assertEquals(4, merges.get(0).size());
    assertTrue(merges.get(0).stream().allMatch(f -> f.bytes() < MIB), paths(merges.get(0)).toString());
  }

  @Test
  void largeFilesStayAndOneMergeHasBoundedInputsAndSize() {
    List<DataFile> files = new ArrayList<>();
    files.add(file("a", "2026-07-01", 1L << 30));
    files.add(file("a", "2026-07-01", 1L << 30));
    assertEquals(List.of(), policy.merges(files, TODAY), "files of the largest size are not merged again");

    List<DataFile> many = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add(file("a", "2026-07-10", 1000));
    }
    assertEquals(policy.maxInputs(), policy.merges(many, TODAY).get(0).size());

    List<DataFile> big = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      big.add(file("a", "2026-07-01", 300 * MIB));
    }
    List<DataFile> merge = policy.merges(big, TODAY).get(0);
    assertEquals(3, merge.size(), "three 300 MiB files fit in one 1 GiB file, four do not");
  }

  @Test
  void tiersGrowByTheRatio() {
    assertEquals(0, policy.tier(MIB - 1));
    assertEquals(1, policy.tier(MIB));
    assertEquals(1, policy.tier(4 * MIB - 1));
    assertEquals(2, policy.tier(4 * MIB));
    assertEquals(5, policy.tier(1000 * MIB));
  }
}
