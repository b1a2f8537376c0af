package org.annals.storage;

import java.time.Instant;
import java.util.Map;

/**
 * A store's vital signs at one moment.
 *
 * @param lastFlushAt when the last flush committed, or null if none has since open
 * @param failure why the store stopped accepting appends, or null while healthy
 * @param arrowBytes off-heap memory the store's Arrow buffers hold: the memtable's columns and
 *     the batches of scans still open; a scan that is never closed shows here
 * @param damagedFiles the data files found damaged since the store opened (relative path to what
 *     was wrong); empty while every file read has been whole
 * @param fsyncNanos time spent in the log's {@code fsyncs} since open
 * @param flushes flushes that wrote files since open
 * @param flushNanos time those flushes took
 * @param compactions merges of small files committed since open
 * @param compactedFiles files those merges replaced
 * @param compactionNanos time those merges took
 * @param replacedFiles files merges replaced that are not deleted yet, as a snapshot still reads
 *     them or the manifest before the last commit still lists them
 */
public record StoreStatus(
    long walBytes,
    int walSegments,
    long memtableRows,
    long memtableBytes,
    long manifestVersion,
    int flushedFiles,
    long flushedRows,
    long nextGlobalSeq,
    Instant lastFlushAt,
    long fsyncs,
    long eventsWritten,
    String failure,
    long arrowBytes,
    Map<String, String> damagedFiles,
    long fsyncNanos,
    long flushes,
    long flushNanos,
    long compactions,
    long compactedFiles,
    long compactionNanos,
    int replacedFiles) {}
