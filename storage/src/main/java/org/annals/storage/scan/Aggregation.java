package org.annals.storage.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.memtable.MemtableChunk;
import org.annals.storage.memtable.TextDictionary;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.page.PageReadStore;

/**
 * Computes an {@link AggregateSpec} over the rows a {@link ScanSpec} selects, source by source:
 * a file the predicates cover whole, and whose groups and measures its manifest entry already
 * knows (a count per stream or per day, the least global_seq), adds those without being opened;
 * any other file is decoded column by column, text keys told apart by dictionary id where the
 * column is dictionary-encoded; the memtable's rows are read in place. No row becomes an object;
 * the groups and their measures are kept in {@link Groups}. Not thread-safe: one per query.
 */
final class Aggregation {
  /** Rows between two looks at the cancel flag. */
  private static final int CANCEL_CHECK_ROWS = 4096;

  private final AggregateSpec aggregate;
  private final ScanSpec spec;
  private final ScanStats stats;
  private final BooleanSupplier cancelled;
  private final EventColumn[] keyColumns;
  private final AggregateSpec.GroupKey[] keySpecs;
  private final AggregateSpec.Measure[] measures;
  private final Groups groups;
  private final long[] key;

  Aggregation(AggregateSpec aggregate, ScanSpec spec, ScanStats stats, BooleanSupplier cancelled) {
    this.aggregate = aggregate;
    this.spec = spec;
    this.stats = stats;
    this.cancelled = cancelled;
    this.keySpecs = aggregate.keys().toArray(new AggregateSpec.GroupKey[0]);
    this.keyColumns = new EventColumn[keySpecs.length];
    for (int i = 0; i < keySpecs.length; i++) {
      keyColumns[i] = keySpecs[i].column();
    }
    this.measures = aggregate.measures().toArray(new AggregateSpec.Measure[0]);
    this.groups = new Groups(aggregate);
    this.key = groups.key();
  }

  /** The columns a file must provide: the predicates' and the aggregate's. */
  List<EventColumn> neededColumns(ScanSpec sourceSpec) {
    Set<EventColumn> needed = new LinkedHashSet<>(sourceSpec.predicateColumns());
    needed.addAll(aggregate.columns());
    return List.copyOf(needed);
  }

  /**
   * Adds a committed file's rows from its manifest entry alone, if the predicates cover the file
   * whole and every key and measure is known there.
   *
   * @return false if the file must be read
   */
  boolean addFromManifest(DataFile f) {
    if (!spec.coversWhole(f)) {
      return false;
    }
    for (int i = 0; i < keySpecs.length; i++) {
      switch (keyColumns[i]) {
        case STREAM_NAME -> key[i] = groups.textId(f.streamName().getBytes(StandardCharsets.UTF_8));
        case RECORDED_AT -> {
          long lo = keySpecs[i].apply(f.minRecordedAt());
          if (!keySpecs[i].bucketed() || lo != keySpecs[i].apply(f.maxRecordedAt())) {
            return false;
          }
          key[i] = lo;
        }
        default -> {
          return false;
        }
      }
    }
    for (AggregateSpec.Measure m : measures) {
      if (!knownFromManifest(m)) {
        return false;
      }
    }
    int slot = groups.slot(0);
    for (int j = 0; j < measures.length; j++) {
      AggregateSpec.Measure m = measures[j];
      switch (m.function()) {
        case COUNT -> groups.count(slot, j, f.rows());
        case MIN -> groups.accumulate(slot, j, f.bound(m.column(), false));
        case MAX -> groups.accumulate(slot, j, f.bound(m.column(), true));
        case SUM -> throw new IllegalStateException("a sum is never known from the manifest");
      }
    }
    stats.filesAnsweredByManifest++;
    return true;
  }

  private static boolean knownFromManifest(AggregateSpec.Measure m) {
    return switch (m.function()) {
      case COUNT -> m.column() == null || !m.column().nullable();
      case MIN, MAX -> m.column().isPosition();
      case SUM -> false;
    };
  }

  /**
   * Adds the matching rows of a file's row groups: as vectors where every column the aggregate
   * and its predicates read decodes to arrays ({@link ColumnChunkDecoder}), row by row otherwise.
   */
  void addParquet(ParquetRowGroups file, ScanSpec fileSpec) throws IOException {
    ScanSpec.Encoded encoded = fileSpec.encoded();
    List<EventColumn> needed = file.needed();
    boolean testRows = !fileSpec.predicateColumns().isEmpty();
    while (file.nextGroup()) {
      checkCancelled();
      if (vectorizable(file, fileSpec, needed)) {
        PageReadStore pages = file.readPages();
        if (pages == null || addVectors(file, pages, fileSpec, encoded, needed)) {
          continue;
        }
      }
      PageReadStore pages = file.readPages();
      if (pages == null) {
        continue;
      }
      file.startRows(pages);
      ParquetRowGroups.ColumnRow row = file.row();
      DictionaryKeys dictionaries = new DictionaryKeys(file, row);
      long rows = file.rows();
      for (long r = 0; r < rows; r++) {
        if ((r & (CANCEL_CHECK_ROWS - 1)) == 0) {
          checkCancelled();
        }
        stats.fileRowsDecoded++;
        if (!testRows || fileSpec.test(row, encoded)) {
          add(row, dictionaries);
        }
        row.consume();
      }
    }
  }

  /** Whether every needed column of the current row group decodes to ids or longs. */
  private static boolean vectorizable(ParquetRowGroups file, ScanSpec fileSpec, List<EventColumn> needed) {
    if (fileSpec.entityId() != null) {
      return false;
    }
    for (EventColumn c : needed) {
      if (c.kind() == EventColumn.Kind.JSON || c.kind() == EventColumn.Kind.STRING && !file.fullyDictionaryEncoded(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Aggregates one row group from decoded column vectors: the predicates become a selection, text
   * keys are dictionary ids until a group is first seen, and a count by one dictionary-encoded
   * key (an event type, an hour of recorded_at) is a count per dictionary id.
   *
   * @return false if a chunk used an encoding the decoder does not read (nothing was added)
   */
  private boolean addVectors(ParquetRowGroups file, PageReadStore pages, ScanSpec fileSpec,
      ScanSpec.Encoded encoded, List<EventColumn> needed) throws IOException {
    int rows = Math.toIntExact(pages.getRowCount());
    ColumnChunkDecoder.Chunk[] chunks = new ColumnChunkDecoder.Chunk[EventColumn.ALL.size()];
    for (EventColumn c : needed) {
      ColumnChunkDecoder.Chunk chunk = ColumnChunkDecoder.decode(pages.getPageReader(file.descriptor(c)),
          file.descriptor(c), rows, !c.kind().isLong());
      if (chunk == null) {
        return false;
      }
      chunks[c.ordinal()] = chunk;
    }
    checkCancelled();
    stats.fileRowsDecoded += rows;
    int[] selected = ChunkSelection.select(fileSpec, encoded, chunks, rows);
    int count = selected == null ? rows : selected.length;
    stats.rowsReturned += count;
    if (count == 0) {
      return true;
    }
    if (!onlyRowCounts()) {
      addSelectedRows(chunks, selected, count);
      return true;
    }
    int varying = constantKeysButOne(chunks, selected, count);
    if (varying == ALL_KEYS_CONSTANT) {
      groups.addRowCounts(count, 0);
    } else if (varying >= 0) {
      addCountsById(chunks[keyColumns[varying].ordinal()], varying, selected, count);
    } else if (!(keySpecs.length == 1 && keySpecs[0].bucketMillis() > 0
        && addBucketCounts(chunks[keyColumns[0].ordinal()], selected, count))) {
      addSelectedRows(chunks, selected, count);
    }
    return true;
  }

  /** {@link #constantKeysButOne}: every key takes one value over the selected rows. */
  private static final int ALL_KEYS_CONSTANT = -1;
  /** {@link #constantKeysButOne}: the rows go through the group table. */
  private static final int KEYS_VARY = -2;

  /**
   * For a count: puts in {@link #key} every key that takes one value over the selected rows (a
   * time bucket of recorded_at of a day or more does, as a row group is one stream's rows of one
   * UTC day) and returns the one other key if it is dictionary-encoded, so that the count is a
   * count per dictionary id (events per day and type, say); {@link #ALL_KEYS_CONSTANT} if there is
   * no other key, {@link #KEYS_VARY} if a bucket varies or more keys do.
   */
  private int constantKeysButOne(ColumnChunkDecoder.Chunk[] chunks, int[] selected, int count) {
    int varying = ALL_KEYS_CONSTANT;
    for (int k = 0; k < keySpecs.length; k++) {
      ColumnChunkDecoder.Chunk chunk = chunks[keyColumns[k].ordinal()];
      if (keySpecs[k].bucketed() && chunk.longs() != null && chunk.nulls() == null) {
        long[] range = range(chunk.longs(), selected, count);
        long bucket = keySpecs[k].apply(range[0]);
        if (bucket != keySpecs[k].apply(range[1])) {
          return KEYS_VARY;
        }
        key[k] = bucket;
      } else if (varying == ALL_KEYS_CONSTANT && chunk.ids() != null) {
        varying = k;
      } else {
        return KEYS_VARY;
      }
    }
    return varying;
  }

  /** The least and greatest of the selected values (all of them when {@code selected} is null). */
  private static long[] range(long[] values, int[] selected, int count) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < count; i++) {
      long v = values[selected == null ? i : selected[i]];
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return new long[] {min, max};
  }

  /**
   * Counts the selected rows per dictionary id of key {@code k}, then adds each id's group once;
   * any other key must already hold its one value in {@link #key}.
   */
  private void addCountsById(ColumnChunkDecoder.Chunk keys, int k, int[] selected, int count) {
    long[] perId = new long[keys.dictionary().getMaxId() + 1];
    long nulls = 0;
    for (int i = 0; i < count; i++) {
      int r = selected == null ? i : selected[i];
      if (keys.nulls() != null && keys.nulls()[r]) {
        nulls++;
      } else {
        perId[keys.ids()[r]]++;
      }
    }
    for (int id = 0; id < perId.length; id++) {
      if (perId[id] > 0) {
        key[k] = keys.longs() != null ? keySpecs[k].apply(keys.dictionary().decodeToLong(id))
            : groups.textId(keys.dictionary().decodeToBinary(id).getBytes());
        groups.addRowCounts(perId[id], 0);
      }
    }
    if (nulls > 0) {
      key[k] = 0;
      groups.addRowCounts(nulls, 1L << k);
    }
  }

  /** Adds the selected rows one by one: any keys, any measures. */
  private void addSelectedRows(ColumnChunkDecoder.Chunk[] chunks, int[] selected, int count) {
    int[][] textIdsById = new int[keySpecs.length][];
    for (int i = 0; i < count; i++) {
      int r = selected == null ? i : selected[i];
      long nullMask = 0;
      for (int k = 0; k < keySpecs.length; k++) {
        ColumnChunkDecoder.Chunk chunk = chunks[keyColumns[k].ordinal()];
        if (chunk.nulls() != null && chunk.nulls()[r]) {
          nullMask |= 1L << k;
          key[k] = 0;
        } else if (chunk.longs() != null) {
          key[k] = keySpecs[k].apply(chunk.longs()[r]);
        } else {
          key[k] = textIdOf(chunk, r, textIdsById, k);
        }
      }
      int slot = groups.slot(nullMask);
      for (int j = 0; j < measures.length; j++) {
        EventColumn c = measures[j].column();
        ColumnChunkDecoder.Chunk chunk = c == null ? null : chunks[c.ordinal()];
        if (chunk != null && chunk.nulls() != null && chunk.nulls()[r]) {
          continue;
        }
        if (measures[j].function() == AggregateSpec.Function.COUNT) {
          groups.count(slot, j, 1);
        } else {
          groups.accumulate(slot, j, chunk.longs()[r]);
        }
      }
    }
  }

  /**
   * Counts rows per time bucket (an hour of recorded_at, say) in an array indexed by bucket, for
   * a row group whose times span few buckets (a file holds one day); false, adding nothing, if
   * they span too many.
   */
  private boolean addBucketCounts(ColumnChunkDecoder.Chunk times, int[] selected, int count) {
    long bucket = keySpecs[0].bucketMillis();
    long[] values = times.longs();
    long[] range = range(values, selected, count);
    long first = Math.floorDiv(range[0], bucket);
    long span = Math.floorDiv(range[1], bucket) - first + 1;
    if (span > 4096) {
      return false;
    }
    long[] perBucket = new long[(int) span];
    for (int i = 0; i < count; i++) {
      perBucket[(int) (Math.floorDiv(values[selected == null ? i : selected[i]], bucket) - first)]++;
    }
    for (int b = 0; b < perBucket.length; b++) {
      if (perBucket[b] > 0) {
        key[0] = (first + b) * bucket;
        groups.addRowCounts(perBucket[b], 0);
      }
    }
    return true;
  }

  private boolean onlyRowCounts() {
    for (AggregateSpec.Measure m : measures) {
      if (m.function() != AggregateSpec.Function.COUNT || m.column() != null) {
        return false;
      }
    }
    return true;
  }

  private int textIdOf(ColumnChunkDecoder.Chunk chunk, int row, int[][] memo, int k) {
    int id = chunk.ids()[row];
    if (memo[k] == null) {
      memo[k] = new int[chunk.dictionary().getMaxId() + 1];
      Arrays.fill(memo[k], -1);
    }
    int text = memo[k][id];
    if (text < 0) {
      text = groups.textId(chunk.dictionary().decodeToBinary(id).getBytes());
      memo[k][id] = text;
    }
    return text;
  }

  /** Adds the matching rows of a memtable chunk, rows [from, to). */
  void addMemtable(MemtableChunk chunk, int from, int to) {
    if (from >= to) {
      // Above all, no dictionaries built for a chunk the query's global_seq range leaves out.
      return;
    }
    if (keySpecs.length == 0 && onlyRowCounts() && spec.globalSeqs() == null
        && EnumSet.of(EventColumn.GLOBAL_SEQ).containsAll(spec.predicateColumns())) {
      // Rows are consecutive global_seqs: a count needs no row read.
      long first = Math.max(chunk.firstGlobalSeq() + from, spec.globalSeqMin());
      long last = Math.min(chunk.firstGlobalSeq() + to - 1, spec.globalSeqMax());
      if (last >= first) {
        groups.addRowCounts(last - first + 1, 0);
      }
      return;
    }
    ScanSpec.Encoded encoded = spec.encoded();
    MemtableKeys keys = new MemtableKeys(chunk);
    chunk.read(from, to, row -> {
      if ((row.index() & (CANCEL_CHECK_ROWS - 1)) == 0) {
        checkCancelled();
      }
      stats.memtableRowsRead++;
      if (spec.test(row, encoded)) {
        keys.row = row.index();
        add(row, keys);
      }
      return true;
    });
  }

  private void checkCancelled() {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("the query was cancelled");
    }
  }

  private void add(EventRow row, TextKeys dictionaries) {
    long nulls = 0;
    for (int i = 0; i < keyColumns.length; i++) {
      EventColumn c = keyColumns[i];
      if (c.nullable() && row.isNull(c)) {
        nulls |= 1L << i;
        key[i] = 0;
      } else if (c.kind().isLong()) {
        key[i] = keySpecs[i].apply(row.getLong(c));
      } else if (dictionaries != null && dictionaries.has(i)) {
        key[i] = dictionaries.id(i);
      } else {
        key[i] = groups.textId(row.getBytes(c));
      }
    }
    int slot = groups.slot(nulls);
    for (int j = 0; j < measures.length; j++) {
      AggregateSpec.Measure m = measures[j];
      EventColumn c = m.column();
      if (c == null) {
        groups.count(slot, j, 1);
      } else if (!(c.nullable() && row.isNull(c))) {
        if (m.function() == AggregateSpec.Function.COUNT) {
          groups.count(slot, j, 1);
        } else {
          groups.accumulate(slot, j, row.getLong(c));
        }
      }
    }
    stats.rowsReturned++;
  }

  /** The answer, one row per group: see {@link Groups#rows()}. */
  List<Object[]> rows() {
    return groups.rows();
  }

  /** Text keys read as dictionary ids, each id looked up in the groups once. */
  private interface TextKeys {
    /** Whether a key column is read through a dictionary. */
    boolean has(int key);

    /** The group text id of the current row's value of a key column that {@link #has} one. */
    int id(int key);
  }

  /**
   * The text keys of one row group that are dictionary-encoded on every page: each dictionary id
   * is looked up once, then every row's key is an array index.
   */
  private final class DictionaryKeys implements TextKeys {
    private final Dictionary[] dictionaries = new Dictionary[keyColumns.length];
    private final int[][] ids = new int[keyColumns.length][];
    private final ColumnReader[] readers = new ColumnReader[keyColumns.length];

    DictionaryKeys(ParquetRowGroups file, ParquetRowGroups.ColumnRow row) throws IOException {
      for (int i = 0; i < keyColumns.length; i++) {
        if (!keyColumns[i].kind().isLong()) {
          Dictionary d = file.dictionary(keyColumns[i]);
          if (d != null) {
            dictionaries[i] = d;
            ids[i] = new int[d.getMaxId() + 1];
            Arrays.fill(ids[i], -1);
            readers[i] = row.reader(keyColumns[i]);
          }
        }
      }
    }

    @Override
    public boolean has(int key) {
      return dictionaries[key] != null;
    }

    @Override
    public int id(int key) {
      int d = readers[key].getCurrentValueDictionaryID();
      int id = ids[key][d];
      if (id < 0) {
        id = groups.textId(dictionaries[key].decodeToBinary(d).getBytes());
        ids[key][d] = id;
      }
      return id;
    }
  }

  /** The text keys of a sealed memtable chunk, through the chunk's {@link TextDictionary}s. */
  private final class MemtableKeys implements TextKeys {
    private final TextDictionary[] dictionaries = new TextDictionary[keyColumns.length];
    private final int[][] ids = new int[keyColumns.length][];
    /** The row whose keys {@link #id} returns. */
    int row;

    MemtableKeys(MemtableChunk chunk) {
      for (int i = 0; i < keyColumns.length; i++) {
        if (!keyColumns[i].kind().isLong()) {
          TextDictionary d = chunk.dictionary(keyColumns[i]);
          if (d != null) {
            dictionaries[i] = d;
            ids[i] = new int[d.size()];
            Arrays.fill(ids[i], -1);
          }
        }
      }
    }

    @Override
    public boolean has(int key) {
      return dictionaries[key] != null;
    }

    @Override
    public int id(int key) {
      int d = dictionaries[key].id(row);
      int id = ids[key][d];
      if (id < 0) {
        id = groups.textId(dictionaries[key].value(d));
        ids[key][d] = id;
      }
      return id;
    }
  }
}
