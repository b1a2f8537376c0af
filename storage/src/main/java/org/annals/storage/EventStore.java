package org.annals.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.annals.storage.compaction.CompactionPolicy;
import org.annals.storage.concurrent.DaemonThreads;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.EncodedEvent;
import org.annals.storage.event.EventValidator;
import org.annals.storage.event.InvalidEventException;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.event.StreamDamagedException;
import org.annals.storage.event.StreamName;
import org.annals.storage.event.WrongExpectedVersionException;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.fs.DataFolderLock;
import org.annals.storage.fs.Durable;
import org.annals.storage.manifest.Manifest;
import org.annals.storage.manifest.ManifestStore;
import org.annals.storage.memtable.Memtable;
import org.annals.storage.parquet.LocalHadoop;
import org.annals.storage.parquet.PartitionFileWriter;
import org.annals.storage.scan.ParquetFiles;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.annals.storage.subscription.EventFeed;
import org.annals.storage.subscription.NewEvents;
import org.annals.storage.subscription.Subscriber;
import org.annals.storage.subscription.Subscription;
import org.annals.storage.subscription.SubscriptionFilter;
import org.annals.storage.wal.WalSegments;
import org.annals.storage.wal.WalWriter;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open data folder: the one entry point of the storage library.
 *
 * <p>An append is validated, given its positions by the {@link Sequencer}, written to the
 * WAL by the group-commit writer, and acknowledged only after its fsync; by then its events are in
 * the memtable and visible to every new {@link #snapshot()}. A background thread flushes the
 * memtable into Parquet files on a size or age threshold; {@link #flush()} does it on demand and
 * {@link #close()} once more at the end.
 *
 * <p>Thread-safe. Appends from many threads are batched into shared fsyncs.
 */
public final class EventStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);
  /**
   * How often the maintenance thread expires events, deletes replaced files no query reads any
   * more, and looks for files to merge (a few flushes' worth).
   */
  private static final long MAINTENANCE_SECONDS = 5;
  /**
   * How long a store that reopens over unflushed events waits before its first background flush.
   * Its clients reconnect at once, and a flush of a large memtable took both cores of a small
   * machine for seconds: their first queries, the server's warm-up and the rebuild of the
   * entity versions waited behind it. The events are durable in the log meanwhile.
   */
  private static final long FIRST_FLUSH_AFTER_RESTART_SECONDS = 10;
  /** Streams named so are the store's own: clients cannot append to them. */
  public static final String RESERVED_PREFIX = "annals_";
  /** Where {@link #erase} records each erasure. */
  public static final String ERASURES_STREAM = RESERVED_PREFIX + "erasures";
  /** How long a close waits for a subscriber's {@code onEvents} under way to return. */
  private static final long SUBSCRIBER_RETURN_MILLIS = 10_000;
  /** The most events a {@link #subscribe subscription} hands its subscriber at once. */
  public static final int SUBSCRIPTION_PAGE = 4096;
  /** The shortest retention: events leave a day at a time. */
  private static final Duration MIN_RETENTION = Duration.ofDays(1);

  private final StoreOptions options;
  private final DataFolder folder;
  private final DataFolderLock lock;
  private final BufferAllocator allocator;
  private final EventValidator validator;
  /** Streams with a file that could not be read on open, to the file: they take no appends. */
  private final Map<String, String> damagedStreams;
  private final Memtable memtable;
  private final WalWriter wal;
  private final CommittedState state;
  private final ParquetFiles parquetFiles;
  private final ManifestCommits commits;
  private final MemtableFlusher flusher;
  private final Compactor compactor;
  private final RetentionSweep retention;
  private final EntityErasure erasure;
  private final ScheduledExecutorService background;
  private final ScheduledExecutorService maintainer;
  /**
   * Held by whatever changes which files the manifest lists apart from a flush: retention,
   * compaction and erasure run one at a time, so none replaces a file another is reading.
   */
  private final Object maintenance = new Object();

  private final Sequencer sequencer;
  private final NewEvents newEvents;
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicInteger subscriptionNumbers = new AtomicInteger();

  private EventStore(StoreOptions options, DataFolder folder, DataFolderLock lock,
      BufferAllocator allocator, ManifestStore manifests, StoreRecovery.Recovered recovered,
      Configuration conf, ParquetFiles parquetFiles) throws IOException {
    this.options = options;
    this.folder = folder;
    this.lock = lock;
    this.allocator = allocator;
    this.validator = new EventValidator(options.maxEventBytes(), options.maxBatchEvents(),
        options.maxBatchBytes());
    this.memtable = recovered.memtable();
    this.damagedStreams = recovered.damagedStreams();
    long nextGlobalSeq = recovered.wal().nextGlobalSeq();
    this.newEvents = new NewEvents(nextGlobalSeq);
    this.wal = new WalWriter(folder.wal(), recovered.wal().lastSegment(), nextGlobalSeq,
        options.walSegmentBytes(), batches -> {
          memtable.insert(batches);
          newEvents.published(batches.get(batches.size() - 1).endGlobalSeq());
        });
    this.sequencer = new Sequencer(options.clock(), wal, recovered.index(), recovered.ids(), recovered.rebuild(),
        nextGlobalSeq, recovered.lastRecordedAt());
    this.parquetFiles = parquetFiles;
    this.state = new CommittedState(recovered.manifest(), memtable, folder, parquetFiles, allocator);
    this.commits = new ManifestCommits(folder, manifests, state, parquetFiles);
    PartitionFileWriter fileWriter = new PartitionFileWriter(folder, conf);
    this.flusher = new MemtableFlusher(folder, memtable, wal, commits, fileWriter, state, options.flushThreads());
    MergedFileWriter mergedFiles = new MergedFileWriter(folder, fileWriter, parquetFiles);
    this.compactor = new Compactor(folder, state, commits, mergedFiles, parquetFiles, CompactionPolicy.DEFAULT,
        options.clock());
    this.retention = new RetentionSweep(state, commits, sequencer, options.clock());
    this.erasure = new EntityErasure(folder, state, commits, sequencer, mergedFiles);
    if (options.backgroundFlush()) {
      background = daemonThread("annals-flusher");
      long firstCheck = memtable.rowCount() > 0 ? FIRST_FLUSH_AFTER_RESTART_SECONDS : 1;
      background.scheduleWithFixedDelay(this::flushIfDue, firstCheck, 1, TimeUnit.SECONDS);
    } else {
      background = null;
    }
    if (options.backgroundCompaction()) {
      maintainer = daemonThread("annals-maintenance");
      maintainer.scheduleWithFixedDelay(this::maintainInBackground, MAINTENANCE_SECONDS, MAINTENANCE_SECONDS,
          TimeUnit.SECONDS);
    } else {
      maintainer = null;
    }
  }

  private static ScheduledExecutorService daemonThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name));
  }

  /** Opens (creating if needed) and recovers a data folder. */
  public static EventStore open(StoreOptions options) throws IOException {
    DataFolder folder = new DataFolder(options.dataFolder());
    Durable.createDirectories(folder.root());
    Durable.createDirectories(folder.wal());
    Durable.createDirectories(folder.events());
    Durable.createDirectories(folder.manifests());
    DataFolderLock lock = DataFolderLock.acquire(folder.lockFile());
    BufferAllocator allocator = new RootAllocator();
    StoreRecovery.Recovered recovered = null;
    ParquetFiles parquetFiles = null;
    try {
      Configuration conf = LocalHadoop.configuration();
      ManifestStore manifests = new ManifestStore(folder.manifests());
      parquetFiles = new ParquetFiles(conf, ParquetFiles.DEFAULT_FILES);
      recovered = StoreRecovery.recover(options, folder, manifests, parquetFiles, allocator);
      return new EventStore(options, folder, lock, allocator, manifests, recovered, conf, parquetFiles);
    } catch (IOException | RuntimeException e) {
      if (recovered != null) {
        recovered.rebuild().stop();
        recovered.memtable().close();
      }
      if (parquetFiles != null) {
        try {
          parquetFiles.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      try {
        allocator.close();
      } catch (RuntimeException leak) {
        e.addSuppressed(leak);
      }
      lock.close();
      throw e;
    }
  }

  /** Opens a data folder with default options. */
  public static EventStore open(java.nio.file.Path dataFolder) throws IOException {
    return open(StoreOptions.builder(dataFolder).build());
  }

  public StoreOptions options() {
    return options;
  }

  /**
   * Appends events to one stream atomically and returns once they are durable.
   *
   * @throws InvalidEventException if an event breaks a rule; nothing is stored
   * @throws WrongExpectedVersionException if an expected version does not hold; nothing is stored
   * @throws StoreFailedException if the log cannot be written; the store accepts no more appends
   */
  public AppendResult append(String streamName, List<NewEvent> events) {
    return join(appendAsync(streamName, events));
  }

  private static AppendResult join(CompletableFuture<AppendResult> durable) {
    try {
      return durable.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Like {@link #append} but returns at once; the future completes when the events are durable.
   * Validation and version errors are thrown directly, before anything is queued.
   */
  public CompletableFuture<AppendResult> appendAsync(String streamName, List<NewEvent> events) {
    if (streamName != null && streamName.startsWith(RESERVED_PREFIX)) {
      throw new InvalidEventException("stream '" + streamName + "' is the store's own: streams named "
          + RESERVED_PREFIX + "* are written by the store alone (" + ERASURES_STREAM + " records erasures)");
    }
    return appendUnchecked(streamName, events);
  }

  /** An append to any stream, the store's own included. */
  private CompletableFuture<AppendResult> appendUnchecked(String streamName, List<NewEvent> events) {
    List<EncodedEvent> encoded = validator.validate(streamName, events);
    String damaged = damagedStreams.get(streamName);
    if (damaged != null) {
      throw new StreamDamagedException(streamName, damaged);
    }
    return sequencer.append(streamName, encoded);
  }

  /** A consistent view of every acknowledged event, flushed or not. Close it when done. */
  public Snapshot snapshot() {
    return state.snapshot();
  }

  /**
   * Reads every page of every data file, checking its checksum: what {@code annals status
   * --verify} runs. Returns the damaged files (relative path to what was wrong), which
   * {@link #status} lists from then on too.
   */
  public Map<String, String> verifyFiles() throws IOException {
    try (Snapshot snapshot = snapshot()) {
      return snapshot.verify();
    }
  }

  /** The streams that have at least one event, sorted by name. */
  public List<String> streams() {
    return sequencer.streams();
  }

  /** Events in the store, flushed or not: one past the last global_seq. */
  public long eventCount() {
    return sequencer.nextGlobalSeq();
  }

  /** Events in one stream, flushed or not; 0 for a stream with none. */
  public long eventCount(String streamName) {
    return sequencer.eventCount(streamName);
  }

  /** Size and time span of every stream, sorted by name. */
  public List<StreamStats> streamStats() throws IOException {
    Map<String, long[]> counts = sequencer.streamCounts();
    try (Snapshot snapshot = snapshot()) {
      return StreamStatistics.of(counts, snapshot);
    }
  }

  /** One entity's events in a stream, in version order. */
  public List<StoredEvent> readEntity(String streamName, String entityId) throws IOException {
    StreamName.check(streamName);
    List<StoredEvent> events = read(ScanSpec.builder().stream(streamName).entityId(entityId).build());
    events.sort(Comparator.comparingLong(StoredEvent::version));
    return events;
  }

  /** Up to {@code max} events of a stream from seq {@code fromSeq} on, in seq order. */
  public List<StoredEvent> readStream(String streamName, long fromSeq, int max) throws IOException {
    StreamName.check(streamName);
    if (max <= 0) {
      return new ArrayList<>();
    }
    long last = fromSeq > Long.MAX_VALUE - max ? Long.MAX_VALUE : fromSeq + max - 1;
    List<StoredEvent> events = read(ScanSpec.builder().stream(streamName).seqBetween(fromSeq, last).build());
    events.sort(Comparator.comparingLong(StoredEvent::seq));
    return events;
  }

  /** Every column of the events a spec selects, in no particular order. */
  public List<StoredEvent> read(ScanSpec spec) throws IOException {
    try (Snapshot snapshot = snapshot()) {
      return StoredEvents.readAll(snapshot, spec);
    }
  }

  /**
   * Follows the log from a position, for a reader that pulls pages itself ({@link EventFeed}):
   * what the HTTP subscriptions use. Close it when done, and before the store.
   *
   * @param from the first position wanted: a global_seq, or for a one-stream filter a seq
   * @param pageSize the most events a page holds
   * @throws IllegalArgumentException if {@code from} is past the end of the log (or the stream)
   */
  public EventFeed follow(long from, SubscriptionFilter filter, int pageSize) {
    checkOpen();
    // A position past the end cannot be one past an event a client handled: a client that holds
    // one follows another store, or this one after it lost events, and would skip what comes.
    long end = filter.stream() == null ? eventCount() : eventCount(filter.stream());
    if (from > end) {
      throw new IllegalArgumentException("position " + from + " is past the end of " + (filter.stream() == null
          ? "the log, whose next global_seq is " : "stream " + filter.stream() + ", whose next seq is ") + end
          + "; a subscription starts at most there, at one past the last event its client handled");
    }
    return new EventFeed(this::snapshot, newEvents, filter, from, pageSize);
  }

  /**
   * Starts a subscription: every event the filter selects from {@code from} on, stored or yet to
   * come, handed to the subscriber in log order, each exactly once, on a thread of the
   * subscription's own, at most {@value #SUBSCRIPTION_PAGE} at a time. The subscription reads on
   * only once the subscriber returns (back-pressure). To resume after a restart, subscribe again
   * from one past the last event handled (its global_seq, or its seq for a one-stream filter).
   * Closing the store ends every subscription (its subscriber's {@link Subscriber#onEnd} gets an
   * {@link IllegalStateException}), once the subscriber's {@code onEvents} under way returns (it
   * waits 10 s at most for that).
   *
   * @param from the first position wanted: a global_seq, or for a one-stream filter a seq
   */
  public Subscription subscribe(long from, SubscriptionFilter filter, Subscriber subscriber) {
    EventFeed feed = follow(from, filter, SUBSCRIPTION_PAGE);
    subscriptions.removeIf(s -> !s.isRunning());
    Subscription subscription = new Subscription(feed, subscriber,
        "annals-subscription-" + subscriptionNumbers.incrementAndGet());
    subscriptions.add(subscription);
    return subscription;
  }

  /** Flushes the memtable into Parquet files now. */
  public void flush() throws IOException {
    checkOpen();
    flusher.flush();
  }

  /**
   * Merges small files of each partition into larger ones now ({@link Compactor}); returns the
   * merges committed. The background compactor does the same every few seconds.
   */
  public int compact() throws IOException {
    checkOpen();
    synchronized (maintenance) {
      return compactor.compact(this::isClosed);
    }
  }

  /**
   * Sets how long a stream's events are kept: they leave the store (SQL, HTTP and this API alike)
   * once older than {@code maxAge}, a day's file at a time ({@link RetentionSweep}). Committed with
   * the manifest, so it holds across restarts and in backups; expired events leave at once.
   *
   * @param maxAge at least one day, or null to keep the stream's events for ever
   */
  public void setRetention(String streamName, Duration maxAge) throws IOException {
    checkRetainable(streamName);
    if (maxAge != null && maxAge.compareTo(MIN_RETENTION) < 0) {
      throw new IllegalArgumentException("a retention keeps events at least " + MIN_RETENTION.toDays()
          + " day; got " + maxAge);
    }
    commitRetention(streamName, m -> m.withRetention(streamName, maxAge == null ? null : maxAge.toMillis()));
  }

  /**
   * Sets how many of a stream's newest events it keeps: its oldest files leave as long as the
   * files after them hold that many ({@link RetentionSweep}), a file (a day, once compacted) at a
   * time, so at least that many stay; unflushed events always stay. Beside an age retention, an
   * event leaves once either lets it go. Committed with the manifest, as {@link #setRetention} is.
   *
   * @param events at least 1, or null to keep the stream's events whatever their number
   */
  public void setRetainedEvents(String streamName, Long events) throws IOException {
    checkRetainable(streamName);
    if (events != null && events < 1) {
      throw new IllegalArgumentException("a retention by count keeps at least 1 event; got " + events);
    }
    commitRetention(streamName, m -> m.withRetainedEvents(streamName, events));
  }

  private static void checkRetainable(String streamName) {
    StreamName.check(streamName);
    if (streamName.equals(ERASURES_STREAM)) {
      throw new IllegalArgumentException(ERASURES_STREAM + " keeps the record of erasures for ever; it takes no retention");
    }
  }

  /** Commits a stream's changed retention and takes out what it lets go at once. */
  private void commitRetention(String streamName, UnaryOperator<Manifest> change) throws IOException {
    checkOpen();
    synchronized (maintenance) {
      commits.commit(change, List.of());
      try {
        retention.sweep();
      } catch (IOException | RuntimeException e) {
        // The retention is set; the maintenance thread takes the expired events out when it can.
        LOG.error("the retention of '{}' is set, but taking its expired events out failed; it is tried again",
            streamName, e);
      }
    }
  }

  /** Each stream's retention by count, by name ({@link #setRetainedEvents}). */
  public Map<String, Long> retainedEvents() {
    return new TreeMap<>(state.manifest().retainedEvents());
  }

  /** Each stream's retention, by name; streams without one keep their events for ever. */
  public Map<String, Duration> retention() {
    Map<String, Duration> out = new TreeMap<>();
    state.manifest().retentionMillis().forEach((stream, millis) -> out.put(stream, Duration.ofMillis(millis)));
    return out;
  }

  /**
   * Erases one entity's events from a stream, as if they had never been appended: from the data
   * files (written again without them, their statistics and bloom filters with them), the log (a
   * flush moves them out of it first), the version index and the remembered event ids. The
   * entity's next event is version 0. Records who asked, when, how many events went and the
   * request's reference (never the entity id, the events or anything derived from them) as an
   * {@code EntityErased} event in stream {@value #ERASURES_STREAM}. Crash-safe and idempotent:
   * run again, it takes out what is left. Events of the entity appended while it runs may stay;
   * run it again after them.
   *
   * @param requestedBy who asked, for the record
   * @param reference the request's reference for the record (a ticket number), or null
   */
  public Erasure erase(String streamName, String entityId, String requestedBy, String reference) throws IOException {
    StreamName.check(streamName);
    if (streamName.startsWith(RESERVED_PREFIX)) {
      throw new IllegalArgumentException("stream '" + streamName + "' is the store's own record; its events are"
          + " not erased");
    }
    if (entityId == null) {
      throw new IllegalArgumentException("erasing needs the entity's id; got none");
    }
    // An id no event can have needs no flush and no record.
    EventValidator.checkEntityId(entityId);
    if (requestedBy == null || requestedBy.isBlank()) {
      throw new IllegalArgumentException("an erasure records who asked for it; give a name");
    }
    checkOpen();
    Erasure done;
    synchronized (maintenance) {
      flusher.flush();
      awaitDroppedChunkWrites();
      done = erasure.erase(streamName, entityId);
    }
    join(appendUnchecked(ERASURES_STREAM, List.of(NewEvent.of("EntityErased", null,
        ErasureRecord.json(done, requestedBy, reference)))));
    return done;
  }

  /**
   * Takes expired events out now, as the maintenance thread does every few seconds; returns how
   * many files left.
   */
  public int applyRetention() throws IOException {
    checkOpen();
    synchronized (maintenance) {
      return retention.sweep();
    }
  }

  private void maintainInBackground() {
    if (wal.failure() != null) {
      return;
    }
    synchronized (maintenance) {
      try {
        retention.sweep();
      } catch (IOException | RuntimeException e) {
        LOG.error("taking expired events out failed; they are still served, and it is tried again", e);
      }
      try {
        compactor.compact(this::isClosed);
      } catch (CancellationException stopped) {
        LOG.debug("compaction stopped by close");
      } catch (IOException | RuntimeException e) {
        LOG.error("compaction failed; the files it meant to merge are still served", e);
      }
    }
  }

  private boolean isClosed() {
    return sequencer.isClosed();
  }

  private void checkOpen() {
    if (isClosed()) {
      throw new IllegalStateException("the store is closed");
    }
  }

  private void flushIfDue() {
    try {
      long rows = memtable.rowCount();
      if (rows == 0 || wal.failure() != null) {
        return;
      }
      if (memtable.bytes() >= options.flushMemtableBytes()
          || memtable.oldestAgeNanos() >= options.flushMaxAge().toNanos()) {
        flusher.flush();
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("background flush failed; the events stay in the WAL and the memtable", e);
    }
  }

  public StoreStatus status() throws IOException {
    Manifest m = state.manifest();
    long flushedAt = flusher.lastFlushMillis();
    Throwable failure = wal.failure();
    long next = sequencer.nextGlobalSeq();
    List<WalSegments.Segment> segments = WalSegments.list(folder.wal());
    return new StoreStatus(WalSegments.bytes(segments), segments.size(),
        memtable.rowCount(), memtable.bytes(), m.version(), m.files().size(), m.totalRows(), next,
        flushedAt < 0 ? null : Instant.ofEpochMilli(flushedAt), wal.fsyncCount(),
        wal.eventsWritten(), failure == null ? null : failure.toString(), allocator.getAllocatedMemory(),
        parquetFiles.damaged(), wal.fsyncNanos(), flusher.flushes(), flusher.flushNanos(),
        compactor.merges(), compactor.mergedFiles(), compactor.nanos(), state.retiredFiles());
  }

  /** Flushes (unless the store has failed), stops the writer and releases the folder. */
  @Override
  public void close() throws IOException {
    if (!sequencer.close()) {
      return;
    }
    // Followers stop before what they read from is released; each subscriber learns why. One
    // whose subscriber does not return is left behind: it reads nothing more once it does.
    newEvents.close();
    for (Subscription s : subscriptions) {
      if (!s.awaitEnd(SUBSCRIBER_RETURN_MILLIS)) {
        LOG.warn("subscription {}: its subscriber has not returned {} ms after the store began to close; the store"
            + " closes without it", s.name(), SUBSCRIBER_RETURN_MILLIS);
      }
    }
    IOException error = null;
    // Let a running flush finish: interrupting it mid-commit would leave its outcome unknown. A
    // running merge sees the store closed and stops within a few thousand rows.
    awaitStopped(background);
    awaitStopped(maintainer);
    try {
      if (wal.failure() == null) {
        flusher.flush();
      }
    } catch (IOException | RuntimeException e) {
      error = new IOException("the flush on close failed; the events remain in the WAL: " + e.getMessage(), e);
    }
    flusher.close();
    try {
      wal.close();
    } catch (IOException e) {
      error = addTo(error, e);
    }
    sequencer.stopRebuild();
    memtable.close();
    try {
      parquetFiles.close();
    } catch (IOException e) {
      error = addTo(error, e);
    }
    try {
      allocator.close();
    } catch (RuntimeException e) {
      LOG.warn("Arrow memory still in use at close (an open snapshot?): {}", e.getMessage());
    }
    try {
      lock.close();
    } catch (IOException e) {
      error = addTo(error, e);
    }
    if (error != null) {
      throw error;
    }
  }

  private static void awaitStopped(ScheduledExecutorService thread) {
    if (thread == null) {
      return;
    }
    thread.shutdown();
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The flush dropped the memtable's chunks; a copy of one may not outlive it. */
  private void awaitDroppedChunkWrites() throws InterruptedIOException {
    try {
      memtable.awaitDroppedChunkWrites();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while a memtable chunk file was written");
    }
  }

  private static IOException addTo(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
