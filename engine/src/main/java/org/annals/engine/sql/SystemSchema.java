package org.annals.engine.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.annals.storage.EventStore;
import org.annals.storage.StoreStatus;
import org.annals.storage.StreamStats;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.scan.Snapshot;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Schema {@code annals_system}: {@code streams} (events, entities, time span and file bytes per
 * stream), {@code files} (every committed Parquet file with its statistics) and {@code status}
 * (one row: WAL, memtable, manifest and flush state). Thread-safe.
 */
public final class SystemSchema extends AbstractSchema {
  public static final String NAME = "annals_system";

  private final EventStore store;

  public SystemSchema(EventStore store) {
    this.store = store;
  }

  @Override
  protected Map<String, Table> getTableMap() {
    return Map.of("streams", new StreamsTable(), "files", new FilesTable(), "status", new StatusTable());
  }

  /** A table of rows computed on each scan, with a fixed list of typed columns. */
  private abstract static class ComputedTable extends AbstractTable implements ScannableTable {
    private final String[] names;
    private final SqlTypeName[] types;

    ComputedTable(String[] names, SqlTypeName[] types) {
      this.names = names;
      this.types = types;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      RelDataTypeFactory.Builder b = typeFactory.builder();
      for (int i = 0; i < names.length; i++) {
        RelDataType t = types[i] == SqlTypeName.TIMESTAMP
            ? typeFactory.createSqlType(SqlTypeName.TIMESTAMP, 3) : typeFactory.createSqlType(types[i]);
        b.add(names[i], typeFactory.createTypeWithNullability(t, true));
      }
      return b.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      try {
        return Linq4j.asEnumerable(rows());
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + getClass().getSimpleName() + " failed: " + e.getMessage(), e);
      }
    }

    abstract List<Object[]> rows() throws IOException;
  }

  private static final SqlTypeName V = SqlTypeName.VARCHAR;
  private static final SqlTypeName B = SqlTypeName.BIGINT;
  private static final SqlTypeName T = SqlTypeName.TIMESTAMP;

  private final class StreamsTable extends ComputedTable {
    StreamsTable() {
      super(new String[] {"stream_name", "events", "entities", "first_recorded_at",
          "last_recorded_at", "files", "file_bytes"}, new SqlTypeName[] {V, B, B, T, T, B, B});
    }

    @Override
    List<Object[]> rows() throws IOException {
      List<Object[]> rows = new ArrayList<>();
      for (StreamStats s : store.streamStats()) {
        rows.add(new Object[] {s.streamName(), s.events(), s.entities(), s.firstRecordedAt(),
            s.lastRecordedAt(), (long) s.files(), s.fileBytes()});
      }
      return rows;
    }
  }

  private final class FilesTable extends ComputedTable {
    FilesTable() {
      super(new String[] {"path", "stream_name", "partition_date", "row_count", "file_bytes",
          "min_seq", "max_seq", "min_global_seq", "max_global_seq", "min_recorded_at",
          "max_recorded_at", "min_entity_id", "max_entity_id"},
          new SqlTypeName[] {V, V, V, B, B, B, B, B, B, T, T, V, V});
    }

    @Override
    List<Object[]> rows() throws IOException {
      List<Object[]> rows = new ArrayList<>();
      try (Snapshot snapshot = store.snapshot()) {
        for (DataFile f : snapshot.manifest().files()) {
          rows.add(new Object[] {f.path(), f.streamName(), f.date(), f.rows(), f.bytes(),
              f.minSeq(), f.maxSeq(), f.minGlobalSeq(), f.maxGlobalSeq(), f.minRecordedAt(),
              f.maxRecordedAt(), f.minEntityId(), f.maxEntityId()});
        }
      }
      return rows;
    }
  }

  private final class StatusTable extends ComputedTable {
    StatusTable() {
      super(new String[] {"wal_bytes", "wal_segments", "memtable_rows", "memtable_bytes",
          "manifest_version", "flushed_files", "flushed_rows", "next_global_seq", "last_flush_at",
          "fsyncs", "failure", "arrow_bytes"}, new SqlTypeName[] {B, B, B, B, B, B, B, B, T, B, V, B});
    }

    @Override
    List<Object[]> rows() throws IOException {
      StoreStatus s = store.status();
      return List.<Object[]>of(new Object[] {s.walBytes(), (long) s.walSegments(), s.memtableRows(),
          s.memtableBytes(), s.manifestVersion(), (long) s.flushedFiles(), s.flushedRows(),
          s.nextGlobalSeq(), s.lastFlushAt() == null ? null : s.lastFlushAt().toEpochMilli(),
          s.fsyncs(), s.failure(), s.arrowBytes()});
    }
  }
}
