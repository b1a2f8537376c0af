package org.annals.storage.parquet;

import java.nio.file.Path;
import java.time.LocalDate;
import org.annals.storage.event.StreamName;

/**
 * Everything about the (stream, UTC day) partition of an event: the day of a timestamp and the
 * Hive-style folder {@code events/stream_name=<stream>/date=<yyyy-mm-dd>}, so that DuckDB, Spark
 * and Trino read the folder tree as a partitioned table. Stateless.
 */
public final class PartitionPath {
  public static final long MILLIS_PER_DAY = 86_400_000L;

  private PartitionPath() {}

  /** The UTC day, yyyy-mm-dd, of a recorded_at in epoch milliseconds. */
  public static String day(long recordedAtMillis) {
    return dayName(epochDay(recordedAtMillis));
  }

  /** The UTC day of a recorded_at, counted from 1970-01-01. */
  public static long epochDay(long recordedAtMillis) {
    return Math.floorDiv(recordedAtMillis, MILLIS_PER_DAY);
  }

  /** The yyyy-mm-dd name of a day counted from 1970-01-01. */
  public static String dayName(long epochDay) {
    return LocalDate.ofEpochDay(epochDay).toString();
  }

  /** The folder of a partition under the data folder's {@code events} folder. */
  public static Path folder(Path eventsDir, String streamName, String day) {
    return eventsDir.resolve("stream_name=" + StreamName.check(streamName)).resolve("date=" + day);
  }
}
