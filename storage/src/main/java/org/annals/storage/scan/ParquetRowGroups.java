package org.annals.storage.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import org.annals.storage.event.EventColumn;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.event.EventRow;
import org.annals.storage.parquet.EventParquetSchema;
import org.annals.storage.parquet.PageCodecs;
import org.annals.storage.parquet.PartitionFileWriter;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.DictionaryPageReadStore;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.filter2.predicate.Operators;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;

/**
 * The row groups of one Parquet file that may hold rows a scan wants, one at a time, with a
 * column reader per needed column. Row groups are skipped by their statistics and the entity_id
 * bloom filter (both from {@link ParquetFiles}, so a skipped file is never opened); for an
 * entity lookup, the page index narrows a row group to the pages whose entity_id range holds the
 * entity, and only the entity's own rows are decoded from them ({@link #entityRows}). The schema is flat, so the
 * column readers are used directly, without record assembly. Not thread-safe.
 */
final class ParquetRowGroups implements AutoCloseable {
  private final java.nio.file.Path folder;
  /** The file relative to the data folder: how errors name it. */
  private final String name;
  private final String cacheKey;
  private final InputFile file;
  private final ScanSpec spec;
  private final ParquetFiles files;
  private final ScanStats stats;
  private final List<EventColumn> needed;
  private final MessageType projection;
  private static final MessageType ENTITY_ID_ONLY = EventParquetSchema.projection(List.of(EventColumn.ENTITY_ID));

  private final ColumnRow row = new ColumnRow();

  /** The looked-up entity id, or null for a scan that looks up none. */
  private final Binary wantedEntity;
  /**
   * The spec's bounds on recorded_at, seq and global_seq that the file's own range does not
   * already meet, for the page index; null if there are none. A compacted file holds a whole day
   * sorted by entity, so without this a query for the last minutes decoded the day.
   */
  private final FilterPredicate positionFilter;
  /** Built once; holds the codec factory the reader releases when it closes. */
  private ParquetReadOptions options;
  private ParquetFiles.Entry entry;
  private ParquetFileReader reader;
  private int nextRowGroup;
  private BlockMetaData current;
  private int currentIndex;
  private long rows;

  /**
   * @param folder the data folder
   * @param data the file, as the manifest lists it
   */
  ParquetRowGroups(java.nio.file.Path folder, DataFile data, ScanSpec spec, List<EventColumn> needed,
      ParquetFiles files, ScanStats stats) {
    java.nio.file.Path path = folder.resolve(data.path());
    this.folder = folder;
    this.name = data.path();
    this.cacheKey = path.toString();
    this.file = files.input(path, data.bytes());
    this.spec = spec;
    this.files = files;
    this.stats = stats;
    this.needed = needed;
    this.projection = EventParquetSchema.projection(needed);
    this.wantedEntity = spec.entityId() == null ? null : Binary.fromString(spec.entityId());
    FilterPredicate bounds = within(null, EventColumn.RECORDED_AT, spec.recordedFrom(),
        spec.recordedTo() == Long.MAX_VALUE ? Long.MAX_VALUE : spec.recordedTo() - 1);
    bounds = within(bounds, EventColumn.SEQ, spec.seqMin(), spec.seqMax());
    this.positionFilter = within(bounds, EventColumn.GLOBAL_SEQ, spec.globalSeqMin(), spec.globalSeqMax());
  }

  /** {@code and} with a column's inclusive bounds, where they bound anything. */
  private static FilterPredicate within(FilterPredicate and, EventColumn column, long min, long max) {
    Operators.LongColumn c = FilterApi.longColumn(column.columnName());
    FilterPredicate p = and;
    if (min != Long.MIN_VALUE) {
      p = p == null ? FilterApi.gtEq(c, min) : FilterApi.and(p, FilterApi.gtEq(c, min));
    }
    if (max != Long.MAX_VALUE) {
      p = p == null ? FilterApi.ltEq(c, max) : FilterApi.and(p, FilterApi.ltEq(c, max));
    }
    return p;
  }

  /** A failure to read the file, as {@link ParquetFiles#readFailure} words and records it. */
  IOException readFailure(Exception failure) {
    return files.readFailure(folder, name, failure);
  }

  /** The columns this reads: what the scan returns and what its predicates test. */
  List<EventColumn> needed() {
    return needed;
  }

  /**
   * Moves to the next row group that may hold a match and reads its needed columns for row by
   * row reading through {@link #row()}.
   *
   * @return false when no row group is left
   */
  boolean next() throws IOException {
    while (nextGroup()) {
      PageReadStore pages = readPages();
      if (pages != null) {
        startRows(pages);
        return true;
      }
    }
    return false;
  }

  /**
   * Moves to the next row group that its statistics and bloom filter do not rule out, without
   * reading it.
   *
   * @return false when no row group is left
   */
  boolean nextGroup() throws IOException {
    if (entry == null) {
      try {
        entry = files.entry(cacheKey, file, this::options);
      } catch (IOException | RuntimeException e) {
        throw readFailure(e);
      }
    }
    List<BlockMetaData> groups = entry.footer.getBlocks();
    while (nextRowGroup < groups.size()) {
      int index = nextRowGroup++;
      BlockMetaData block = groups.get(index);
      if (!statisticsMayMatch(block)) {
        stats.rowGroupsSkippedByStatistics++;
        continue;
      }
      if (spec.entityId() != null) {
        BloomFilter bloom = entry.bloom(index, this::reader);
        if (bloom != null && !bloom.findHash(bloom.hash(wantedEntity))) {
          stats.rowGroupsSkippedByBloomFilter++;
          continue;
        }
      }
      current = block;
      currentIndex = index;
      return true;
    }
    current = null;
    return false;
  }

  /**
   * Reads the current row group's needed columns (for a lookup, only the entity's rows), or
   * returns null when no row of it can match. May be called again to read the group anew.
   */
  PageReadStore readPages() throws IOException {
    PageReadStore pages = spec.entityId() != null ? entityRows(currentIndex)
        : positionFilter != null ? reader().readFilteredRowGroup(currentIndex)
        : reader().readRowGroup(currentIndex);
    if (pages == null || pages.getRowCount() == 0) {
      stats.rowGroupsSkippedByPageIndex++;
      return null;
    }
    stats.rowGroupsRead++;
    return pages;
  }

  /** Sets up {@link #row()} over pages from {@link #readPages()}. */
  void startRows(PageReadStore pages) {
    ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new IgnoringConverter(needed.size()),
        projection, entry.footer.getFileMetaData().getCreatedBy());
    ColumnReader[] readers = new ColumnReader[EventColumn.ALL.size()];
    int[] maxDefinition = new int[EventColumn.ALL.size()];
    for (EventColumn c : needed) {
      ColumnDescriptor d = descriptor(c);
      readers[c.ordinal()] = store.getColumnReader(d);
      maxDefinition[c.ordinal()] = d.getMaxDefinitionLevel();
    }
    row.reset(readers, maxDefinition);
    rows = pages.getRowCount();
  }

  /** Whether every data page of a column in the current row group is dictionary-encoded. */
  boolean fullyDictionaryEncoded(EventColumn column) {
    for (ColumnChunkMetaData c : current.getColumns()) {
      if (c.getPath().toDotString().equals(column.columnName())) {
        EncodingStats encodings = c.getEncodingStats();
        return encodings != null && encodings.hasDictionaryPages() && !encodings.hasNonDictionaryEncodedPages();
      }
    }
    return false;
  }

  /**
   * The pages of a row group that hold one entity's rows, in two steps: the page index narrows
   * entity_id to the pages whose range may hold the entity, those entity_id values are compared to
   * find the exact rows, and only then are the other columns read, for those rows alone (their
   * pages are still decompressed whole, but no other row is decoded). Null when no row matches.
   */
  private PageReadStore entityRows(int index) throws IOException {
    ParquetFileReader r = reader();
    RowRanges candidates = r.getRowRanges(index);
    if (candidates.rowCount() == 0) {
      return null;
    }
    r.setRequestedSchema(ENTITY_ID_ONLY);
    RowRanges.Builder exact = RowRanges.builder();
    try {
      PageReadStore idPages = r.readFilteredRowGroup(index, candidates);
      ColumnDescriptor d = ENTITY_ID_ONLY.getColumns().get(0);
      ColumnReader ids = new ColumnReadStoreImpl(idPages, new IgnoringConverter(1), ENTITY_ID_ONLY,
          entry.footer.getFileMetaData().getCreatedBy()).getColumnReader(d);
      // Without row indexes the pages are the whole row group, rows 0, 1, 2, ...
      PrimitiveIterator.OfLong rowIndexes = idPages.getRowIndexes()
          .orElseGet(() -> LongStream.range(0, idPages.getRowCount()).iterator());
      boolean any = false;
      for (long i = 0, n = idPages.getRowCount(); i < n; i++) {
        long rowIndex = rowIndexes.nextLong();
        if (ids.getCurrentDefinitionLevel() == d.getMaxDefinitionLevel()) {
          if (ids.getBinary().equals(wantedEntity)) {
            exact.addSelectedRow(rowIndex);
            any = true;
          }
        }
        ids.consume();
      }
      if (!any) {
        return null;
      }
    } finally {
      r.setRequestedSchema(projection);
    }
    return r.readFilteredRowGroup(index, exact.build());
  }

  /** The current row group's rows (those of its read pages, for a lookup). */
  long rows() {
    return rows;
  }

  /** The current row, moved forward by {@link ColumnRow#consume()}. */
  ColumnRow row() {
    return row;
  }

  /**
   * The dictionary of a text column in the current row group if every data page of it is
   * dictionary-encoded, so that values can be told apart by dictionary id; otherwise null.
   */
  Dictionary dictionary(EventColumn column) throws IOException {
    if (!fullyDictionaryEncoded(column)) {
      return null;
    }
    ColumnDescriptor d = descriptor(column);
    DictionaryPageReadStore store = reader().getDictionaryReader(current);
    DictionaryPage page = store.readDictionaryPage(d);
    return page == null ? null : page.getEncoding().initDictionary(d, page);
  }

  ColumnDescriptor descriptor(EventColumn c) {
    return projection.getColumnDescription(new String[] {c.columnName()});
  }

  private ParquetFileReader reader() throws IOException {
    if (reader == null) {
      try {
        reader = new IndexCachingReader(file, entry, options());
      } catch (IOException e) {
        throw readFailure(e);
      }
      reader.setRequestedSchema(projection);
      stats.filesOpened++;
    }
    return reader;
  }

  /**
   * Options per reader (each holds a codec factory that is not thread-safe), built from the
   * store's configuration: ParquetReadOptions.builder() would make a default Hadoop configuration,
   * parsing Hadoop's XML defaults, about 10 ms per file opened. Only the page index filter is
   * parquet-java's; statistics and bloom filters are checked here, with the cached footer.
   */
  private ParquetReadOptions options() {
    if (options == null) {
      options = buildOptions();
    }
    return options;
  }

  private ParquetReadOptions buildOptions() {
    HadoopReadOptions.Builder b = HadoopReadOptions.builder(files.conf());
    // Each page's CRC (written by every flush) is checked as it is read: a flipped byte is an
    // error that names the file, never a wrong value.
    b.usePageChecksumVerification(true);
    b.useStatsFilter(false).useDictionaryFilter(false).useBloomFilter(false).useRecordFilter(false)
        .withUseHadoopVectoredIo(false).withCodecFactory(new PageCodecs(files.conf(), PartitionFileWriter.ZSTD_LEVEL));
    if (spec.entityId() != null) {
      b.useColumnIndexFilter(true).withRecordFilter(FilterCompat.get(FilterApi.eq(
          FilterApi.binaryColumn(EventColumn.ENTITY_ID.columnName()), wantedEntity)));
    } else if (positionFilter != null) {
      b.useColumnIndexFilter(true).withRecordFilter(FilterCompat.get(positionFilter));
    } else {
      b.useColumnIndexFilter(false);
    }
    return b.build();
  }

  private boolean statisticsMayMatch(BlockMetaData block) {
    for (ColumnChunkMetaData column : block.getColumns()) {
      String name = column.getPath().toDotString();
      Statistics<?> s = column.getStatistics();
      if (s != null && s.isNumNullsSet() && !nullsMayMatch(name, s.getNumNulls(), block.getRowCount())) {
        return false;
      }
      if (s == null || s.isEmpty() || !s.hasNonNullValue()) {
        continue;
      }
      boolean may = switch (name) {
        case "seq" -> overlaps(s, spec.seqMin(), spec.seqMax());
        case "global_seq" -> overlaps(s, spec.globalSeqMin(), spec.globalSeqMax());
        case "recorded_at" -> spec.recordedFrom() < spec.recordedTo()
            && overlaps(s, spec.recordedFrom(), spec.recordedTo() - 1);
        case "entity_id" -> spec.entityId() == null || binaryWithin(s, spec.entityId());
        case "event_type" -> spec.eventTypes() == null || anyWithin(s, spec.eventTypes());
        default -> true;
      };
      EventColumn prefixed = prefixColumn(name);
      if (!may || prefixed != null && !ScanSpec.prefixMayBeWithin(
          spec.prefixes().get(prefixed).getBytes(StandardCharsets.UTF_8),
          ((Binary) s.genericGetMin()).getBytes(), ((Binary) s.genericGetMax()).getBytes())) {
        return false;
      }
    }
    return true;
  }

  /** The column of this name if the spec wants it to start with a prefix, else null. */
  private EventColumn prefixColumn(String name) {
    for (EventColumn c : spec.prefixes().keySet()) {
      if (c.columnName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  private boolean nullsMayMatch(String column, long nulls, long rows) {
    for (EventColumn c : spec.nullColumns()) {
      if (c.columnName().equals(column) && nulls == 0) {
        return false;
      }
    }
    for (EventColumn c : spec.notNullColumns()) {
      if (c.columnName().equals(column) && nulls == rows) {
        return false;
      }
    }
    return true;
  }

  private static boolean overlaps(Statistics<?> s, long min, long max) {
    long lo = ((Number) s.genericGetMin()).longValue();
    long hi = ((Number) s.genericGetMax()).longValue();
    return hi >= min && lo <= max;
  }

  private static boolean anyWithin(Statistics<?> s, Iterable<String> values) {
    for (String v : values) {
      if (binaryWithin(s, v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean binaryWithin(Statistics<?> s, String value) {
    Binary v = Binary.fromString(value);
    @SuppressWarnings("unchecked")
    Statistics<Binary> b = (Statistics<Binary>) s;
    return b.comparator().compare(v, b.genericGetMin()) >= 0 && b.comparator().compare(v, b.genericGetMax()) <= 0;
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }

  /** The current row of the column readers, exposed as an {@link EventRow}. */
  static final class ColumnRow implements EventRow {
    private ColumnReader[] readers;
    private int[] maxDefinition;

    void reset(ColumnReader[] newReaders, int[] newMaxDefinition) {
      this.readers = newReaders;
      this.maxDefinition = newMaxDefinition;
    }

    /**
     * Moves every reader to the next row. A defined value that was never read must be skipped
     * first: consume() advances the levels but not the values.
     */
    void consume() {
      for (int i = 0; i < readers.length; i++) {
        ColumnReader r = readers[i];
        if (r != null) {
          if (r.getCurrentDefinitionLevel() == maxDefinition[i]) {
            r.skip();
          }
          r.consume();
        }
      }
    }

    /** The reader of a needed column, positioned on the current row. */
    ColumnReader reader(EventColumn column) {
      return readers[column.ordinal()];
    }

    @Override
    public boolean isNull(EventColumn column) {
      return readers[column.ordinal()].getCurrentDefinitionLevel() < maxDefinition[column.ordinal()];
    }

    @Override
    public long getLong(EventColumn column) {
      return readers[column.ordinal()].getLong();
    }

    @Override
    public byte[] getBytes(EventColumn column) {
      if (isNull(column)) {
        return null;
      }
      return readers[column.ordinal()].getBinary().getBytesUnsafe();
    }
  }

  /**
   * The record converter {@link ColumnReadStoreImpl} requires. Values are read straight from the
   * column readers, so it receives nothing; it claims dictionary support so that a reader keeps
   * dictionary ids (and decodes a value only when asked), which lets an aggregate group text by id.
   */
  private static final class IgnoringConverter extends GroupConverter {
    private final PrimitiveConverter primitive = new PrimitiveConverter() {
      @Override
      public boolean hasDictionarySupport() {
        return true;
      }

      @Override
      public void setDictionary(Dictionary dictionary) {}
    };
    private final int fields;

    IgnoringConverter(int fields) {
      this.fields = fields;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      if (fieldIndex >= fields) {
        throw new IllegalArgumentException("no field " + fieldIndex);
      }
      return primitive;
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
