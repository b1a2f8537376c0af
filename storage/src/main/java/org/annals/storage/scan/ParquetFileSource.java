package org.annals.storage.scan;

import java.io.IOException;
import java.util.List;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.annals.storage.parquet.EventParquetSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;

/**
 * Reads one Parquet file for a scan. It opens the file only when first asked for rows, skips row
 * groups whose statistics or entity_id bloom filter rule out every match, reads only the needed
 * columns, and decodes them in lockstep with parquet-java's column readers (the schema is flat, so
 * no record assembly is needed). Not thread-safe.
 */
final class ParquetFileSource implements RowSource {
  private final org.apache.hadoop.fs.Path path;
  private final Configuration conf;
  private final ScanSpec spec;
  private final ScanSpec.Encoded encoded;
  private final ScanStats stats;
  private final List<EventColumn> needed;
  private final MessageType projection;

  private ParquetFileReader reader;
  private int nextRowGroup;
  private long rowsLeftInGroup;
  private final ColumnRow row = new ColumnRow();

  ParquetFileSource(java.nio.file.Path file, Configuration conf, ScanSpec spec,
      ScanSpec.Encoded encoded, ScanStats stats) {
    this.path = new org.apache.hadoop.fs.Path(file.toUri());
    this.conf = conf;
    this.spec = spec;
    this.encoded = encoded;
    this.stats = stats;
    this.needed = spec.neededColumns();
    this.projection = EventParquetSchema.projection(needed);
  }

  @Override
  public boolean fill(BatchBuilder batch) throws IOException {
    if (reader == null) {
      open();
    }
    while (!batch.isFull()) {
      if (rowsLeftInGroup == 0 && !nextRowGroup()) {
        return true;
      }
      while (rowsLeftInGroup > 0 && !batch.isFull()) {
        stats.fileRowsDecoded++;
        if (spec.test(row, encoded)) {
          batch.add(row);
          stats.rowsReturned++;
        }
        row.consume();
        rowsLeftInGroup--;
      }
    }
    return rowsLeftInGroup == 0 && nextRowGroup >= reader.getRowGroups().size();
  }

  private void open() throws IOException {
    try {
      // Options per reader (each holds a codec factory that is not thread-safe), built from the
      // store's configuration: ParquetReadOptions.builder() would make a default Hadoop
      // configuration, parsing Hadoop's XML defaults, about 10 ms per file opened.
      ParquetReadOptions options = HadoopReadOptions.builder(conf).build();
      reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf), options);
    } catch (IOException e) {
      throw new IOException("opening Parquet file " + path + " failed: " + e.getMessage(), e);
    }
    reader.setRequestedSchema(projection);
    stats.filesOpened++;
  }

  private boolean nextRowGroup() throws IOException {
    List<BlockMetaData> groups = reader.getRowGroups();
    while (nextRowGroup < groups.size()) {
      int index = nextRowGroup++;
      BlockMetaData block = groups.get(index);
      if (!statisticsMayMatch(block)) {
        stats.rowGroupsSkippedByStatistics++;
        continue;
      }
      if (spec.entityId() != null && !bloomMayContain(block)) {
        stats.rowGroupsSkippedByBloomFilter++;
        continue;
      }
      PageReadStore pages = reader.readRowGroup(index);
      ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new IgnoringConverter(needed.size()),
          projection, reader.getFileMetaData().getCreatedBy());
      ColumnReader[] readers = new ColumnReader[EventColumn.ALL.size()];
      int[] maxDefinition = new int[EventColumn.ALL.size()];
      for (EventColumn c : needed) {
        ColumnDescriptor d = projection.getColumnDescription(new String[] {c.columnName()});
        readers[c.ordinal()] = store.getColumnReader(d);
        maxDefinition[c.ordinal()] = d.getMaxDefinitionLevel();
      }
      row.reset(readers, maxDefinition);
      rowsLeftInGroup = pages.getRowCount();
      stats.rowGroupsRead++;
      if (rowsLeftInGroup > 0) {
        return true;
      }
    }
    return false;
  }

  private boolean statisticsMayMatch(BlockMetaData block) {
    for (ColumnChunkMetaData column : block.getColumns()) {
      String name = column.getPath().toDotString();
      Statistics<?> s = column.getStatistics();
      if (s == null || s.isEmpty() || !s.hasNonNullValue()) {
        continue;
      }
      boolean may = switch (name) {
        case "seq" -> overlaps(s, spec.seqMin(), spec.seqMax());
        case "global_seq" -> overlaps(s, spec.globalSeqMin(), spec.globalSeqMax());
        case "recorded_at" -> spec.recordedFrom() >= spec.recordedTo() ? false
            : overlaps(s, spec.recordedFrom(), spec.recordedTo() - 1);
        case "entity_id" -> spec.entityId() == null || binaryWithin(s, spec.entityId());
        case "event_type" -> spec.eventType() == null || binaryWithin(s, spec.eventType());
        default -> true;
      };
      if (!may) {
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

  private static boolean binaryWithin(Statistics<?> s, String value) {
    Binary v = Binary.fromString(value);
    @SuppressWarnings("unchecked")
    Statistics<Binary> b = (Statistics<Binary>) s;
    return b.comparator().compare(v, b.genericGetMin()) >= 0 && b.comparator().compare(v, b.genericGetMax()) <= 0;
  }

  private boolean bloomMayContain(BlockMetaData block) throws IOException {
    for (ColumnChunkMetaData column : block.getColumns()) {
      if (column.getPath().toDotString().equals(EventColumn.ENTITY_ID.columnName())) {
        BloomFilter filter = reader.getBloomFilterDataReader(block).readBloomFilter(column);
        return filter == null || filter.findHash(filter.hash(Binary.fromString(spec.entityId())));
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }

  /** The current row of the column readers, exposed as an {@link EventRow}. */
  private static final class ColumnRow implements EventRow {
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
   * column readers, so it receives nothing.
   */
  private static final class IgnoringConverter extends GroupConverter {
    private final PrimitiveConverter primitive = new PrimitiveConverter() {};
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
