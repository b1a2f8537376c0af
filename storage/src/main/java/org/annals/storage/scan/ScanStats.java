package org.annals.storage.scan;

/**
 * What a scan did, to show pruning at work: how many files the manifest listed, how many the scan
 * opened, and how many row groups it decoded or skipped. Updated by the scanning thread only.
 */
public final class ScanStats {
  long filesListed;
  long filesOpened;
  long rowGroupsRead;
  long rowGroupsSkippedByStatistics;
  long rowGroupsSkippedByBloomFilter;
  long rowGroupsSkippedByPageIndex;
  long filesAnsweredByManifest;
  long fileRowsDecoded;
  long memtableRowsRead;
  long rowsReturned;

  public long filesListed() {
    return filesListed;
  }

  public long filesOpened() {
    return filesOpened;
  }

  public long rowGroupsRead() {
    return rowGroupsRead;
  }

  public long rowGroupsSkippedByStatistics() {
    return rowGroupsSkippedByStatistics;
  }

  public long rowGroupsSkippedByBloomFilter() {
    return rowGroupsSkippedByBloomFilter;
  }

  /** Row groups whose page index showed no page that can hold the looked-up entity. */
  public long rowGroupsSkippedByPageIndex() {
    return rowGroupsSkippedByPageIndex;
  }

  /** Files an aggregate took from the manifest's statistics, without opening them. */
  public long filesAnsweredByManifest() {
    return filesAnsweredByManifest;
  }

  public long fileRowsDecoded() {
    return fileRowsDecoded;
  }

  public long memtableRowsRead() {
    return memtableRowsRead;
  }

  public long rowsReturned() {
    return rowsReturned;
  }

  @Override
  public String toString() {
    return "files " + filesOpened + "/" + filesListed + " opened, row groups " + rowGroupsRead
        + " read, " + rowGroupsSkippedByStatistics + " skipped by statistics, "
        + rowGroupsSkippedByBloomFilter + " by bloom filter, " + rowGroupsSkippedByPageIndex
        + " by page index; " + filesAnsweredByManifest + " files answered by the manifest; " + fileRowsDecoded
        + " file rows decoded, " + memtableRowsRead + " memtable rows read, " + rowsReturned
        + " rows returned";
  }
}
