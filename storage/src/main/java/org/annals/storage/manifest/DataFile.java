package org.annals.storage.manifest;

import org.annals.storage.event.EventColumn;

/**
 * One committed Parquet file and what the manifest knows about it without opening it: enough to
 * prune it from a scan and to check on open that the file is there whole.
 *
 * @param path relative to the data folder, '/'-separated
 * @param date the UTC day of its events' recorded_at, yyyy-mm-dd
 * @param minEntityId the smallest entity id in the file, or null if every event has none
 * @param maxEntityId the largest entity id in the file, or null if every event has none
 */
public record DataFile(
    String path,
    String streamName,
    String date,
    long rows,
    long bytes,
    long minSeq,
    long maxSeq,
    long minGlobalSeq,
    long maxGlobalSeq,
    long minRecordedAt,
    long maxRecordedAt,
    String minEntityId,
    String maxEntityId) {

  /** The least or greatest value of a position column ({@link EventColumn#isPosition}) in the file. */
  public long bound(EventColumn column, boolean greatest) {
    return switch (column) {
      case SEQ -> greatest ? maxSeq : minSeq;
      case GLOBAL_SEQ -> greatest ? maxGlobalSeq : minGlobalSeq;
      case RECORDED_AT -> greatest ? maxRecordedAt : minRecordedAt;
      default -> throw new IllegalArgumentException(column.columnName() + " has no bounds in the manifest;"
          + " seq, global_seq and recorded_at do");
    };
  }
}
