package org.annals.storage.scan;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.annals.storage.manifest.DataFile;

/**
 * What a scan reads: the columns wanted and the predicates the storage layer applies itself. A
 * scan returns exactly the rows that satisfy every predicate, so a caller may drop the predicates
 * it pushed here. Predicates also prune partitions (by the stream and day the manifest lists for
 * each file), files (by manifest statistics) and row groups (by Parquet statistics and the
 * entity_id bloom filter). Immutable.
 *
 * @param columns the columns to return, in this order
 * @param streams the streams to read, or null for all
 * @param recordedFrom recorded_at lower bound, inclusive (epoch ms)
 * @param recordedTo recorded_at upper bound, exclusive (epoch ms)
 * @param entityId entity_id must equal this, or null for no condition
 * @param eventTypes event_type must be one of these, or null for no condition
 * @param seqMin seq lower bound, inclusive; seqMax upper bound, inclusive
 * @param globalSeqMin global_seq lower bound, inclusive; globalSeqMax upper bound, inclusive
 * @param nullColumns columns that must be null
 * @param notNullColumns columns that must not be null
 * @param prefixes text columns that must start with these values ({@code LIKE 'prefix%'})
 * @param globalSeqs global_seq must be one of these (sorted, no repeats), or null for no condition
 */
public record ScanSpec(
    List<EventColumn> columns,
    Set<String> streams,
    long recordedFrom,
    long recordedTo,
    String entityId,
    Set<String> eventTypes,
    long seqMin,
    long seqMax,
    long globalSeqMin,
    long globalSeqMax,
    Set<EventColumn> nullColumns,
    Set<EventColumn> notNullColumns,
    Map<EventColumn, String> prefixes,
    long[] globalSeqs) {

  public ScanSpec {
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a scan needs at least one column");
    }
    streams = streams == null ? null : Set.copyOf(streams);
    eventTypes = eventTypes == null ? null : Set.copyOf(eventTypes);
    nullColumns = nullColumns.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(nullColumns));
    notNullColumns = notNullColumns.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(notNullColumns));
    for (EventColumn c : prefixes.keySet()) {
      if (c.kind() != EventColumn.Kind.STRING) {
        throw new IllegalArgumentException("a prefix condition needs a text column, not " + c.columnName());
      }
    }
    prefixes = prefixes.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(prefixes));
    globalSeqs = globalSeqs == null ? null : globalSeqs.clone();
  }

  /** See the record's {@code globalSeqs}; a copy, as the spec is immutable. */
  @Override
  public long[] globalSeqs() {
    return globalSeqs == null ? null : globalSeqs.clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every column of every event. */
  public static ScanSpec all() {
    return builder().build();
  }

  /** The same predicates, returning other columns. */
  public ScanSpec withColumns(List<EventColumn> newColumns) {
    return new ScanSpec(newColumns, streams, recordedFrom, recordedTo, entityId, eventTypes, seqMin,
        seqMax, globalSeqMin, globalSeqMax, nullColumns, notNullColumns, prefixes, globalSeqs);
  }

  /**
   * The same scan for the rows of one file: without the stream condition (the manifest already
   * matched it) and without every range the file's statistics show it lies within, so that rows
   * are tested, and columns read, only for conditions that can still fail.
   */
  public ScanSpec narrowedTo(DataFile f) {
    boolean recorded = recordedFrom <= f.minRecordedAt() && f.maxRecordedAt() < recordedTo;
    boolean seq = seqMin <= f.minSeq() && f.maxSeq() <= seqMax;
    boolean global = globalSeqMin <= f.minGlobalSeq() && f.maxGlobalSeq() <= globalSeqMax;
    Map<EventColumn, String> left = prefixes;
    if (prefixes.containsKey(EventColumn.STREAM_NAME)) {
      left = new EnumMap<>(prefixes);
      left.remove(EventColumn.STREAM_NAME);
    }
    return new ScanSpec(columns, null,
        recorded ? Long.MIN_VALUE : recordedFrom, recorded ? Long.MAX_VALUE : recordedTo,
        entityId, eventTypes,
        seq ? Long.MIN_VALUE : seqMin, seq ? Long.MAX_VALUE : seqMax,
        global ? Long.MIN_VALUE : globalSeqMin, global ? Long.MAX_VALUE : globalSeqMax,
        nullColumns, notNullColumns, left, globalSeqs);
  }

  /**
   * The same scan, further limited to rows whose global_seq is one of these (sorted ascending,
   * no repeats); the range is narrowed to theirs, so that whole files and memtable rows outside it
   * are passed over.
   */
  public ScanSpec withGlobalSeqs(long[] sorted) {
    long min = sorted.length == 0 ? Long.MAX_VALUE : Math.max(globalSeqMin, sorted[0]);
    long max = sorted.length == 0 ? Long.MIN_VALUE : Math.min(globalSeqMax, sorted[sorted.length - 1]);
    return new ScanSpec(columns, streams, recordedFrom, recordedTo, entityId, eventTypes, seqMin, seqMax,
        min, max, nullColumns, notNullColumns, prefixes, sorted);
  }

  /** The same scan, further limited to global_seq at most {@code max}. */
  public ScanSpec withGlobalSeqAtMost(long max) {
    return new ScanSpec(columns, streams, recordedFrom, recordedTo, entityId, eventTypes, seqMin,
        seqMax, globalSeqMin, Math.min(globalSeqMax, max), nullColumns, notNullColumns, prefixes, globalSeqs);
  }

  /** The same scan, further limited to events recorded at or before {@code max} (epoch milliseconds). */
  public ScanSpec withRecordedAtMost(long max) {
    long to = max == Long.MAX_VALUE ? Long.MAX_VALUE : max + 1;
    return new ScanSpec(columns, streams, recordedFrom, Math.min(recordedTo, to), entityId, eventTypes, seqMin,
        seqMax, globalSeqMin, globalSeqMax, nullColumns, notNullColumns, prefixes, globalSeqs);
  }

  /** The wanted columns plus those the predicates read. */
  public List<EventColumn> neededColumns() {
    Set<EventColumn> needed = new LinkedHashSet<>(columns);
    needed.addAll(predicateColumns());
    return List.copyOf(needed);
  }

  /** The columns the predicates read; empty when every row matches. */
  Set<EventColumn> predicateColumns() {
    Set<EventColumn> cols = EnumSet.noneOf(EventColumn.class);
    if (streams != null) {
      cols.add(EventColumn.STREAM_NAME);
    }
    if (recordedFrom != Long.MIN_VALUE || recordedTo != Long.MAX_VALUE) {
      cols.add(EventColumn.RECORDED_AT);
    }
    if (entityId != null) {
      cols.add(EventColumn.ENTITY_ID);
    }
    if (eventTypes != null) {
      cols.add(EventColumn.EVENT_TYPE);
    }
    if (seqMin != Long.MIN_VALUE || seqMax != Long.MAX_VALUE) {
      cols.add(EventColumn.SEQ);
    }
    if (globalSeqMin != Long.MIN_VALUE || globalSeqMax != Long.MAX_VALUE || globalSeqs != null) {
      cols.add(EventColumn.GLOBAL_SEQ);
    }
    cols.addAll(nullColumns);
    cols.addAll(notNullColumns);
    cols.addAll(prefixes.keySet());
    return cols;
  }

  /** Whether the predicates can match nothing at all (an empty range or stream set). */
  public boolean matchesNothing() {
    return (streams != null && streams.isEmpty()) || (eventTypes != null && eventTypes.isEmpty())
        || nullColumns.stream().anyMatch(c -> !c.nullable() || notNullColumns.contains(c))
        || recordedFrom >= recordedTo
        || seqMin > seqMax || globalSeqMin > globalSeqMax;
  }

  public boolean mayMatchStream(String stream) {
    String prefix = prefixes.get(EventColumn.STREAM_NAME);
    return (streams == null || streams.contains(stream)) && (prefix == null || stream.startsWith(prefix));
  }

  /** Whether a committed file can hold a matching row, judged from the manifest alone. */
  public boolean mayMatch(DataFile f) {
    return mayMatchStream(f.streamName())
        && !(notNullColumns.contains(EventColumn.ENTITY_ID) && f.minEntityId() == null)
        && f.maxRecordedAt() >= recordedFrom && f.minRecordedAt() < recordedTo
        && f.maxSeq() >= seqMin && f.minSeq() <= seqMax
        && f.maxGlobalSeq() >= globalSeqMin && f.minGlobalSeq() <= globalSeqMax
        && (globalSeqs == null || anyGlobalSeqWithin(f.minGlobalSeq(), f.maxGlobalSeq()))
        && (entityId == null || (f.minEntityId() != null
            && compareUtf8(entityId, f.minEntityId()) >= 0 && compareUtf8(entityId, f.maxEntityId()) <= 0))
        && (!prefixes.containsKey(EventColumn.ENTITY_ID) || (f.minEntityId() != null
            && prefixMayBeWithin(prefixes.get(EventColumn.ENTITY_ID).getBytes(StandardCharsets.UTF_8),
                f.minEntityId().getBytes(StandardCharsets.UTF_8), f.maxEntityId().getBytes(StandardCharsets.UTF_8))));
  }

  private boolean anyGlobalSeqWithin(long min, long max) {
    int at = Arrays.binarySearch(globalSeqs, min);
    int next = at >= 0 ? at : -at - 1;
    return next < globalSeqs.length && globalSeqs[next] <= max;
  }

  private static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether a value starting with {@code prefix} may lie in [min, max] (UTF-8 bytes, compared
   * unsigned, as Parquet orders text): such values run from the prefix itself up to, not
   * including, the next prefix, so they meet [min, max] when max is not below the prefix and min
   * cut to the prefix's length is not above it.
   */
  static boolean prefixMayBeWithin(byte[] prefix, byte[] min, byte[] max) {
    return Arrays.compareUnsigned(max, prefix) >= 0
        && Arrays.compareUnsigned(min, 0, Math.min(min.length, prefix.length), prefix, 0, prefix.length) <= 0;
  }

  /** A row's exact verdict, reading only the predicate columns. */
  public boolean test(EventRow row, Encoded encoded) {
    if (streams != null && !encoded.isOneOf(encoded.streams(), row, EventColumn.STREAM_NAME)) {
      return false;
    }
    if (recordedFrom != Long.MIN_VALUE || recordedTo != Long.MAX_VALUE) {
      long at = row.getLong(EventColumn.RECORDED_AT);
      if (at < recordedFrom || at >= recordedTo) {
        return false;
      }
    }
    if (seqMin != Long.MIN_VALUE || seqMax != Long.MAX_VALUE) {
      long seq = row.getLong(EventColumn.SEQ);
      if (seq < seqMin || seq > seqMax) {
        return false;
      }
    }
    if (globalSeqMin != Long.MIN_VALUE || globalSeqMax != Long.MAX_VALUE || globalSeqs != null) {
      long g = row.getLong(EventColumn.GLOBAL_SEQ);
      if (g < globalSeqMin || g > globalSeqMax || globalSeqs != null && Arrays.binarySearch(globalSeqs, g) < 0) {
        return false;
      }
    }
    if (entityId != null && (row.isNull(EventColumn.ENTITY_ID)
        || !row.bytesEqual(EventColumn.ENTITY_ID, encoded.entityId()))) {
      return false;
    }
    for (int i = 0; i < encoded.prefixColumns().length; i++) {
      if (!row.bytesStartWith(encoded.prefixColumns()[i], encoded.prefixes()[i])) {
        return false;
      }
    }
    for (EventColumn c : nullColumns) {
      if (!row.isNull(c)) {
        return false;
      }
    }
    for (EventColumn c : notNullColumns) {
      if (row.isNull(c)) {
        return false;
      }
    }
    return eventTypes == null || encoded.isOneOf(encoded.eventTypes(), row, EventColumn.EVENT_TYPE);
  }

  /**
   * Whether every row of a committed file satisfies the predicates, judged from the manifest
   * alone, so that a count or a minimum needs no row of it read.
   */
  public boolean coversWhole(DataFile f) {
    return mayMatchStream(f.streamName()) && narrowedTo(f).predicateColumns().isEmpty();
  }

  /** The predicate constants as UTF-8, computed once per scan rather than once per row. */
  public Encoded encoded() {
    EventColumn[] prefixColumns = prefixes.keySet().toArray(new EventColumn[0]);
    byte[][] prefixBytes = new byte[prefixColumns.length][];
    for (int i = 0; i < prefixColumns.length; i++) {
      prefixBytes[i] = prefixes.get(prefixColumns[i]).getBytes(StandardCharsets.UTF_8);
    }
    return new Encoded(utf8(streams), entityId == null ? null : entityId.getBytes(StandardCharsets.UTF_8),
        utf8(eventTypes), prefixColumns, prefixBytes);
  }

  private static byte[][] utf8(Set<String> values) {
    if (values == null) {
      return null;
    }
    byte[][] out = new byte[values.size()][];
    int i = 0;
    for (String v : values) {
      out[i++] = v.getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  /** See {@link #encoded()}. */
  public record Encoded(byte[][] streams, byte[] entityId, byte[][] eventTypes, EventColumn[] prefixColumns,
      byte[][] prefixes) {
    /** Whether the row's text column is one of the values, compared as bytes. */
    boolean isOneOf(byte[][] values, EventRow row, EventColumn column) {
      for (byte[] v : values) {
        if (row.bytesEqual(column, v)) {
          return true;
        }
      }
      return false;
    }

    boolean isEventType(byte[] value) {
      for (byte[] t : eventTypes) {
        if (Arrays.equals(t, value)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Builds a spec; every predicate is optional. */
  public static final class Builder {
    private List<EventColumn> columns = EventColumn.ALL;
    private Set<String> streams;
    private long recordedFrom = Long.MIN_VALUE;
    private long recordedTo = Long.MAX_VALUE;
    private String entityId;
    private Set<String> eventTypes;
    private long seqMin = Long.MIN_VALUE;
    private long seqMax = Long.MAX_VALUE;
    private long globalSeqMin = Long.MIN_VALUE;
    private long globalSeqMax = Long.MAX_VALUE;
    private final Set<EventColumn> nullColumns = EnumSet.noneOf(EventColumn.class);
    private final Set<EventColumn> notNullColumns = EnumSet.noneOf(EventColumn.class);
    private final Map<EventColumn, String> prefixes = new EnumMap<>(EventColumn.class);

    public Builder columns(List<EventColumn> value) {
      this.columns = value;
      return this;
    }

    public Builder columns(EventColumn... value) {
      return columns(List.of(value));
    }

    public Builder streams(Set<String> value) {
      this.streams = value;
      return this;
    }

    public Builder stream(String value) {
      return streams(Set.of(value));
    }

    /** recorded_at in [from, to), epoch milliseconds. */
    public Builder recordedBetween(long from, long to) {
      this.recordedFrom = from;
      this.recordedTo = to;
      return this;
    }

    public Builder entityId(String value) {
      this.entityId = value;
      return this;
    }

    public Builder eventType(String value) {
      return eventTypes(value == null ? null : Set.of(value));
    }

    /** event_type one of these; null for any. */
    public Builder eventTypes(Set<String> value) {
      this.eventTypes = value;
      return this;
    }

    /** seq in [min, max], inclusive. */
    public Builder seqBetween(long min, long max) {
      this.seqMin = min;
      this.seqMax = max;
      return this;
    }

    /** global_seq in [min, max], inclusive. */
    public Builder globalSeqBetween(long min, long max) {
      this.globalSeqMin = min;
      this.globalSeqMax = max;
      return this;
    }

    /** The column must be null ({@code IS NULL}). */
    public Builder isNull(EventColumn column) {
      nullColumns.add(column);
      return this;
    }

    /** The column must not be null ({@code IS NOT NULL}). */
    public Builder isNotNull(EventColumn column) {
      notNullColumns.add(column);
      return this;
    }

    /** The text column must start with the value ({@code LIKE 'value%'}); one per column. */
    public Builder prefix(EventColumn column, String value) {
      prefixes.put(column, value);
      return this;
    }

    public ScanSpec build() {
      return new ScanSpec(columns, streams, recordedFrom, recordedTo, entityId, eventTypes,
          seqMin, seqMax, globalSeqMin, globalSeqMax, nullColumns, notNullColumns, prefixes, null);
    }
  }
}
