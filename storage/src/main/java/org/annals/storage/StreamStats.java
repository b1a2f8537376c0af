package org.annals.storage;

import java.time.Duration;

/**
 * One stream's size and time span.
 *
 * @param events the stream's event count (its next seq)
 * @param entities distinct entity ids with events in the stream
 * @param firstRecordedAt the earliest recorded_at (epoch ms), or null when unknown
 * @param lastRecordedAt the latest recorded_at (epoch ms), or null when unknown
 * @param fileBytes bytes of the stream's Parquet files
 * @param files how many Parquet files the stream has
 * @param storedEvents the events the stream holds now: {@code events} less those that expired
 * @param retention how long the stream's events are kept, or null for ever
 * @param retainedEvents how many of its newest events the stream keeps at least, or null for all
 */
public record StreamStats(String streamName, long events, long entities, Long firstRecordedAt,
    Long lastRecordedAt, long fileBytes, int files, long storedEvents, Duration retention, Long retainedEvents) {}
