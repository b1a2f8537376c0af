package org.annals.engine.types;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.annals.storage.EventStore;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.DamagedFileException;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typed tables of a store: per stream and event type, the payloads' top-level fields with
 * the type each one's values fit. The payloads are profiled once, in global_seq order of
 * arrival: each {@link #tables} call first reads the events appended since the last (flushed or
 * not) and folds them in, so a field's column appears with the first event that sets it and a
 * type widens with the first value that does not fit. Events are immutable, so nothing profiled
 * is read again; events that retention or erasure later removed stay counted, and their fields
 * stay columns. Held in memory, one per store, and rebuilt by reading every payload once after a
 * restart (from the events then stored). A damaged data file leaves out of the profile the
 * events of its stream in the range being read, nothing else. Thread-safe.
 */
public final class PayloadCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(PayloadCatalog.class);
  /** A profiling pass this long is logged: the first after a restart reads every payload. */
  private static final long SLOW_MILLIS = 200;
  private static final Map<EventStore, PayloadCatalog> BY_STORE = Collections.synchronizedMap(new WeakHashMap<>());

  /** Weakly: the catalog is its store's value in {@link #BY_STORE}, which must not keep the store. */
  private final WeakReference<EventStore> store;
  private final Map<TypeKey, TypeStats> types = new HashMap<>();
  private long profiledTo;
  private volatile long version;
  private List<TypedTable> tables = List.of();

  private record TypeKey(String stream, String eventType) {}

  /** One event type's events and fields so far. */
  private static final class TypeStats {
    long events;
    long firstGlobalSeq = Long.MAX_VALUE;
    final Map<String, FieldStats> fields = new LinkedHashMap<>();
  }

  /** One field: how many events set it, and where each type of value first appeared in it. */
  private static final class FieldStats {
    long events;
    final EnumMap<FieldType, Long> firstSeen = new EnumMap<>(FieldType.class);

    void seen(FieldType type, long globalSeq) {
      events++;
      firstSeen.merge(type, globalSeq, Math::min);
    }

    long firstGlobalSeq() {
      return Collections.min(firstSeen.values());
    }
  }

  private PayloadCatalog(EventStore store) {
    this.store = new WeakReference<>(store);
  }

  /** The catalog of a store, made on first use. */
  public static PayloadCatalog of(EventStore store) {
    return BY_STORE.computeIfAbsent(store, PayloadCatalog::new);
  }

  /** Every typed table, including the events appended until now, ordered by name. */
  public synchronized List<TypedTable> tables() {
    EventStore store = this.store.get();
    if (store == null) {
      throw new IllegalStateException("the store of this catalog is gone");
    }
    try (Snapshot snapshot = store.snapshot()) {
      long end = snapshot.endGlobalSeq();
      if (end > profiledTo) {
        long started = System.nanoTime();
        Map<TypeKey, TypeStats> read;
        try {
          read = profile(snapshot, profiledTo, end, null);
        } catch (DamagedFileException damaged) {
          read = streamByStream(snapshot, store.streams(), profiledTo, end);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (millis >= SLOW_MILLIS) {
          LOG.info("profiled the payloads of global_seq {} to {} for the typed tables in {} ms", profiledTo, end - 1, millis);
        }
        read.forEach(this::merge);
        profiledTo = end;
        List<TypedTable> built = build();
        if (!shape(built).equals(shape(tables))) {
          version++;
        }
        tables = built;
      }
      return tables;
    } catch (IOException e) {
      throw new UncheckedIOException("reading payloads for the typed tables failed: " + e.getMessage(), e);
    }
  }

  /**
   * A number that changes whenever a table or column appears or a column's type widens, with
   * every event appended until now: a plan made at one version reads its tables right while the
   * version stays (the counts behind the remarks change without it).
   */
  public synchronized long version() {
    tables();
    return version;
  }

  /** {@link #version} as of the last read, reading no new event, and not waiting for a read under way. */
  public long knownVersion() {
    return version;
  }

  /** The tables as of the last read, reading no new event. */
  public synchronized List<TypedTable> knownTables() {
    return tables;
  }

  /** What plans depend on: each table's name, stream, type and columns with their types. */
  private static List<List<String>> shape(List<TypedTable> tables) {
    List<List<String>> shape = new ArrayList<>();
    for (TypedTable t : tables) {
      List<String> names = new ArrayList<>(List.of(t.name(), t.stream(), t.eventType()));
      t.fields().forEach(f -> names.add(f.field() + " " + f.column() + " " + f.type()));
      shape.add(names);
    }
    return shape;
  }

  /** The table of that name, or null. */
  public TypedTable table(String name) {
    for (TypedTable t : tables()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /**
   * The fields of the events in [from, to), read one stream at a time: a damaged file leaves out
   * the events of its stream in that range, and every other stream's tables are as they would be
   * (queries reading the damaged file fail on their own, naming it).
   */
  private static Map<TypeKey, TypeStats> streamByStream(Snapshot snapshot, List<String> streams, long from, long to)
      throws IOException {
    Map<TypeKey, TypeStats> read = new HashMap<>();
    for (String stream : streams) {
      try {
        read.putAll(profile(snapshot, from, to, stream));
      } catch (DamagedFileException damaged) {
        LOG.warn("the typed tables of stream {} leave out its events from global_seq {} to {}: {}", stream, from,
            to - 1, damaged.getMessage());
      }
    }
    return read;
  }

  /**
   * The fields of the events in [from, to) of one stream (or all, for null), by stream and type;
   * nothing is kept if reading fails.
   */
  private static Map<TypeKey, TypeStats> profile(Snapshot snapshot, long from, long to, String stream)
      throws IOException {
    Map<TypeKey, TypeStats> read = new HashMap<>();
    ScanSpec.Builder wanted = ScanSpec.builder()
        .columns(EventColumn.STREAM_NAME, EventColumn.EVENT_TYPE, EventColumn.GLOBAL_SEQ, EventColumn.PAYLOAD)
        .globalSeqBetween(from, to - 1);
    ScanSpec spec = (stream == null ? wanted : wanted.stream(stream)).build();
    PayloadFields parser = new PayloadFields();
    byte[] buffer = new byte[4096];
    try (EventScanner scan = snapshot.scan(spec)) {
      while (scan.next()) {
        VectorSchemaRoot batch = scan.batch();
        VarCharVector streams = (VarCharVector) batch.getVector(EventColumn.STREAM_NAME.columnName());
        VarCharVector eventTypes = (VarCharVector) batch.getVector(EventColumn.EVENT_TYPE.columnName());
        BigIntVector globalSeqs = (BigIntVector) batch.getVector(EventColumn.GLOBAL_SEQ.columnName());
        VarCharVector payloads = (VarCharVector) batch.getVector(EventColumn.PAYLOAD.columnName());
        for (int row = 0; row < batch.getRowCount(); row++) {
          TypeKey key = new TypeKey(new String(streams.get(row), StandardCharsets.UTF_8),
              new String(eventTypes.get(row), StandardCharsets.UTF_8));
          TypeStats stats = read.computeIfAbsent(key, k -> new TypeStats());
          long globalSeq = globalSeqs.get(row);
          stats.events++;
          stats.firstGlobalSeq = Math.min(stats.firstGlobalSeq, globalSeq);
          long start = payloads.getStartOffset(row);
          int length = (int) (payloads.getEndOffset(row) - start);
          if (length > buffer.length) {
            buffer = new byte[Math.max(length, buffer.length * 2)];
          }
          payloads.getDataBuffer().getBytes(start, buffer, 0, length);
          try {
            parser.read(buffer, 0, length, (name, type) ->
                stats.fields.computeIfAbsent(name, n -> new FieldStats()).seen(type, globalSeq));
          } catch (IOException notJson) {
            // The store only takes JSON objects; a payload that does not parse adds no field.
          }
        }
      }
    }
    return read;
  }

  private void merge(TypeKey key, TypeStats read) {
    TypeStats stats = types.computeIfAbsent(key, k -> new TypeStats());
    stats.events += read.events;
    stats.firstGlobalSeq = Math.min(stats.firstGlobalSeq, read.firstGlobalSeq);
    read.fields.forEach((name, field) -> {
      FieldStats kept = stats.fields.computeIfAbsent(name, n -> new FieldStats());
      kept.events += field.events;
      field.firstSeen.forEach((type, seq) -> kept.firstSeen.merge(type, seq, Math::min));
    });
  }

  /** The tables as SQL sees them; two types whose names clash get suffixes in order of appearance. */
  private List<TypedTable> build() {
    List<Map.Entry<TypeKey, TypeStats>> byAppearance = new ArrayList<>(types.entrySet());
    byAppearance.sort(Comparator.comparingLong(e -> e.getValue().firstGlobalSeq));
    Set<String> taken = new HashSet<>();
    List<TypedTable> built = new ArrayList<>();
    for (Map.Entry<TypeKey, TypeStats> e : byAppearance) {
      String base = TableNames.table(e.getKey().stream(), e.getKey().eventType());
      String name = base;
      for (int n = 2; !taken.add(name); n++) {
        name = base + "_" + n;
      }
      built.add(new TypedTable(name, e.getKey().stream(), e.getKey().eventType(), e.getValue().events,
          fields(e.getValue())));
    }
    built.sort(Comparator.comparing(TypedTable::name));
    return List.copyOf(built);
  }

  private static List<TypedField> fields(TypeStats stats) {
    List<Map.Entry<String, FieldStats>> byAppearance = new ArrayList<>(stats.fields.entrySet());
    // Stable: fields first set by the same event keep the order of its payload.
    byAppearance.sort(Comparator.comparingLong(e -> e.getValue().firstGlobalSeq()));
    List<TypedField> fields = new ArrayList<>();
    Set<String> columns = new HashSet<>();
    for (Map.Entry<String, FieldStats> e : byAppearance) {
      FieldStats f = e.getValue();
      String column = TableNames.column(e.getKey());
      if (!columns.add(column)) {
        continue; // fields "seq" and "payload_seq" both: the later one is read with JSON_VALUE
      }
      FieldType first = null;
      FieldType type = null;
      long firstSeq = Long.MAX_VALUE;
      for (Map.Entry<FieldType, Long> seen : f.firstSeen.entrySet()) {
        type = type == null ? seen.getKey() : FieldType.widen(type, seen.getKey());
        if (seen.getValue() < firstSeq) {
          firstSeq = seen.getValue();
          first = seen.getKey();
        }
      }
      long widenedAt = -1;
      for (Map.Entry<FieldType, Long> seen : f.firstSeen.entrySet()) {
        if (FieldType.widen(first, seen.getKey()) != first && (widenedAt < 0 || seen.getValue() < widenedAt)) {
          widenedAt = seen.getValue();
        }
      }
      fields.add(new TypedField(e.getKey(), column, type, f.events, firstSeq, first, widenedAt));
    }
    return fields;
  }
}
