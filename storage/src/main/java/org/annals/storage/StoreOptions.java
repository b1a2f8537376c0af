package org.annals.storage;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Every setting of a store, with its default. Immutable; build with {@link #builder(Path)}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>maxEventBytes</td><td>1 MiB</td><td>largest event: payload, metadata, type and entity id in UTF-8</td></tr>
 *   <tr><td>maxBatchEvents</td><td>10,000</td><td>most events in one append</td></tr>
 *   <tr><td>maxBatchBytes</td><td>16 MiB</td><td>most bytes in one append</td></tr>
 *   <tr><td>idempotencyWindow</td><td>24 hours</td><td>how long a client-supplied event id is remembered for retries</td></tr>
 *   <tr><td>idempotencyMaxEntries</td><td>1,000,000</td><td>most event ids remembered (bounds memory; oldest go first)</td></tr>
 *   <tr><td>walSegmentBytes</td><td>64 MiB</td><td>size at which a new WAL segment is started</td></tr>
 *   <tr><td>flushMemtableBytes</td><td>128 MiB</td><td>memtable size that triggers a background flush</td></tr>
 *   <tr><td>flushMaxAge</td><td>5 minutes</td><td>age of the oldest unflushed event that triggers a flush</td></tr>
 *   <tr><td>backgroundFlush</td><td>true</td><td>whether a background thread flushes on the thresholds</td></tr>
 *   <tr><td>backgroundCompaction</td><td>true</td><td>whether a background thread, every few seconds, takes expired events out (retention), deletes replaced files no query reads, and merges small files</td></tr>
 *   <tr><td>flushThreads</td><td>processors, at most 4</td><td>Parquet files a flush writes at once</td></tr>
 *   <tr><td>memtableChunkRows</td><td>65,536</td><td>rows per memtable Arrow chunk</td></tr>
 *   <tr><td>clock</td><td>UTC system clock</td><td>source of recorded_at</td></tr>
 * </table>
 */
public record StoreOptions(
    Path dataFolder,
    Clock clock,
    int maxEventBytes,
    int maxBatchEvents,
    long maxBatchBytes,
    Duration idempotencyWindow,
    int idempotencyMaxEntries,
    long walSegmentBytes,
    long flushMemtableBytes,
    Duration flushMaxAge,
    boolean backgroundFlush,
    boolean backgroundCompaction,
    int flushThreads,
    int memtableChunkRows) {

  /** Enough for any realistic retry window; the bound keeps the id index's arrays addressable. */
  public static final int MAX_IDEMPOTENCY_ENTRIES = 100_000_000;

  public StoreOptions {
    Objects.requireNonNull(dataFolder, "dataFolder");
    Objects.requireNonNull(clock, "clock");
    positive("maxEventBytes", maxEventBytes);
    positive("maxBatchEvents", maxBatchEvents);
    positive("maxBatchBytes", maxBatchBytes);
    positive("walSegmentBytes", walSegmentBytes);
    positive("flushMemtableBytes", flushMemtableBytes);
    positive("flushThreads", flushThreads);
    positive("memtableChunkRows", memtableChunkRows);
    if (idempotencyMaxEntries < 0 || idempotencyMaxEntries > MAX_IDEMPOTENCY_ENTRIES) {
      throw new IllegalArgumentException("idempotencyMaxEntries must be from 0 to "
          + MAX_IDEMPOTENCY_ENTRIES + " (about 80 bytes of memory each); got " + idempotencyMaxEntries);
    }
    Objects.requireNonNull(idempotencyWindow, "idempotencyWindow");
    Objects.requireNonNull(flushMaxAge, "flushMaxAge");
    if (idempotencyWindow.isNegative()) {
      throw new IllegalArgumentException("idempotencyWindow must be zero or more; got " + idempotencyWindow);
    }
    if (flushMaxAge.isNegative() || flushMaxAge.isZero()) {
      throw new IllegalArgumentException("flushMaxAge must be more than zero; got " + flushMaxAge);
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive; got " + value);
    }
  }

  public static Builder builder(Path dataFolder) {
    return new Builder(dataFolder);
  }

  public Builder toBuilder() {
    Builder b = new Builder(dataFolder);
    b.clock = clock;
    b.maxEventBytes = maxEventBytes;
    b.maxBatchEvents = maxBatchEvents;
    b.maxBatchBytes = maxBatchBytes;
    b.idempotencyWindow = idempotencyWindow;
    b.idempotencyMaxEntries = idempotencyMaxEntries;
    b.walSegmentBytes = walSegmentBytes;
    b.flushMemtableBytes = flushMemtableBytes;
    b.flushMaxAge = flushMaxAge;
    b.backgroundFlush = backgroundFlush;
    b.backgroundCompaction = backgroundCompaction;
    b.flushThreads = flushThreads;
    b.memtableChunkRows = memtableChunkRows;
    return b;
  }

  /** Builds options; unset settings keep their defaults. */
  public static final class Builder {
    private final Path dataFolder;
    private Clock clock = Clock.systemUTC();
    private int maxEventBytes = 1024 * 1024;
    private int maxBatchEvents = 10_000;
    private long maxBatchBytes = 16L * 1024 * 1024;
    private Duration idempotencyWindow = Duration.ofHours(24);
    private int idempotencyMaxEntries = 1_000_000;
    private long walSegmentBytes = 64L * 1024 * 1024;
    private long flushMemtableBytes = 128L * 1024 * 1024;
    private Duration flushMaxAge = Duration.ofMinutes(5);
    private boolean backgroundFlush = true;
    private boolean backgroundCompaction = true;
    /** Each writer buffers up to a row group (64 MiB), so more than four costs heap for little. */
    private int flushThreads = Math.min(4, Runtime.getRuntime().availableProcessors());
    private int memtableChunkRows = 65_536;

    private Builder(Path dataFolder) {
      this.dataFolder = dataFolder;
    }

    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    public Builder maxEventBytes(int value) {
      this.maxEventBytes = value;
      return this;
    }

    public Builder maxBatchEvents(int value) {
      this.maxBatchEvents = value;
      return this;
    }

    public Builder maxBatchBytes(long value) {
      this.maxBatchBytes = value;
      return this;
    }

    public Builder idempotencyWindow(Duration value) {
      this.idempotencyWindow = value;
      return this;
    }

    public Builder idempotencyMaxEntries(int value) {
      this.idempotencyMaxEntries = value;
      return this;
    }

    public Builder walSegmentBytes(long value) {
      this.walSegmentBytes = value;
      return this;
    }

    public Builder flushMemtableBytes(long value) {
      this.flushMemtableBytes = value;
      return this;
    }

    public Builder flushMaxAge(Duration value) {
      this.flushMaxAge = value;
      return this;
    }

    public Builder backgroundFlush(boolean value) {
      this.backgroundFlush = value;
      return this;
    }

    public Builder backgroundCompaction(boolean value) {
      this.backgroundCompaction = value;
      return this;
    }

    public Builder flushThreads(int value) {
      this.flushThreads = value;
      return this;
    }

    public Builder memtableChunkRows(int value) {
      this.memtableChunkRows = value;
      return this;
    }

    public StoreOptions build() {
      return new StoreOptions(dataFolder, clock, maxEventBytes, maxBatchEvents, maxBatchBytes,
          idempotencyWindow, idempotencyMaxEntries, walSegmentBytes, flushMemtableBytes,
          flushMaxAge, backgroundFlush, backgroundCompaction, flushThreads, memtableChunkRows);
    }
  }
}
