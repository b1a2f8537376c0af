package org.annals.storage.manifest;

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
    String maxEntityId) {}
