package org.annals.engine.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.annals.engine.types.PayloadCatalog;
import org.annals.engine.types.TypedField;
import org.annals.engine.types.TypedTable;
import org.annals.storage.EventStore;
import org.annals.storage.StoreStatus;
import org.annals.storage.StreamStats;
import org.annals.storage.event.EventColumn;
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
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.SqlTableFunction;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Schema {@code annals_system}: {@code streams} (events, entities, time span and file bytes per
 * stream), {@code files} (every committed Parquet file with its statistics), {@code status}
 * (one row: WAL, memtable, manifest and flush state), {@code functions} (the SQL functions a
 * query may call, which the JDBC driver's {@code getFunctions} reads) and {@code typed_columns}
 * (the payload columns of schema {@code types}, with their types and how they widened).
 * Thread-safe.
 */
public final class SystemSchema extends AbstractSchema {
  public static final String NAME = "annals_system";

  private final EventStore store;
  private final SqlOperatorTable functions;

  /** @param functions the connection's functions and operators, which table {@code functions} lists */
  public SystemSchema(EventStore store, SqlOperatorTable functions) {
    this.store = store;
    this.functions = functions;
  }

  @Override
  protected Map<String, Table> getTableMap() {
    return Map.of("streams", new StreamsTable(), "files", new FilesTable(), "status", new StatusTable(),
        "functions", new FunctionsTable(), "typed_columns", new TypedColumnsTable());
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
          "last_recorded_at", "files", "file_bytes", "stored_events", "retention_days", "retention_events"},
          new SqlTypeName[] {V, B, B, T, T, B, B, B, B, B});
    }

    @Override
    List<Object[]> rows() throws IOException {
      List<Object[]> rows = new ArrayList<>();
      for (StreamStats s : store.streamStats()) {
        rows.add(new Object[] {s.streamName(), s.events(), s.entities(), s.firstRecordedAt(),
            s.lastRecordedAt(), (long) s.files(), s.fileBytes(), s.storedEvents(),
            s.retention() == null ? null : s.retention().toDays(), s.retainedEvents()});
      }
      return rows;
    }
  }

  /**
   * One row per payload column of schema {@code types}: the field it reads, its type, how often
   * it is set, and whether and where its type widened.
   */
  private final class TypedColumnsTable extends ComputedTable {
    TypedColumnsTable() {
      super(new String[] {"table_name", "stream_name", "event_type", "column_name", "ordinal_position",
          "field_name", "sql_type", "events", "type_events", "first_global_seq", "first_type", "widened_at_global_seq"},
          new SqlTypeName[] {V, V, V, V, B, V, V, B, B, B, V, B});
    }

    @Override
    List<Object[]> rows() {
      List<Object[]> rows = new ArrayList<>();
      for (TypedTable t : PayloadCatalog.of(store).tables()) {
        long position = EventColumn.ALL.size();
        for (TypedField f : t.fields()) {
          rows.add(new Object[] {t.name(), t.stream(), t.eventType(), f.column(), ++position, f.field(), f.type().sqlName(),
              f.events(), t.events(), f.firstGlobalSeq(), f.firstType().label(),
              f.widened() ? f.widenedAt() : null});
        }
      }
      return rows;
    }
  }

  private final class FilesTable extends ComputedTable {
    FilesTable() {
      super(new String[] {"path", "stream_name", "partition_date", "row_count", "file_bytes",
          "min_seq", "max_seq", "min_global_seq", "max_global_seq", "min_recorded_at",
          "max_recorded_at", "min_entity_id", "max_entity_id", "damage"},
          new SqlTypeName[] {V, V, V, B, B, B, B, B, B, T, T, V, V, V});
    }

    @Override
    List<Object[]> rows() throws IOException {
      List<Object[]> rows = new ArrayList<>();
      Map<String, String> damaged = store.status().damagedFiles();
      try (Snapshot snapshot = store.snapshot()) {
        for (DataFile f : snapshot.manifest().files()) {
          rows.add(new Object[] {f.path(), f.streamName(), f.date(), f.rows(), f.bytes(),
              f.minSeq(), f.maxSeq(), f.minGlobalSeq(), f.maxGlobalSeq(), f.minRecordedAt(),
              f.maxRecordedAt(), f.minEntityId(), f.maxEntityId(), damaged.get(f.path())});
        }
      }
      return rows;
    }
  }

  /**
   * One row per function name callable as {@code NAME(...)} (or, for {@code CURRENT_DATE} and its
   * kind, as a bare name): its kind (scalar, aggregate, window or table) and the argument types it
   * takes, as Calcite describes them. Operators written between their operands are left out.
   */
  private final class FunctionsTable extends ComputedTable {
    FunctionsTable() {
      super(new String[] {"function_name", "function_kind", "signatures"}, new SqlTypeName[] {V, V, V});
    }

    @Override
    List<Object[]> rows() {
      Map<String, String> kinds = new TreeMap<>();
      Map<String, Set<String>> signatures = new TreeMap<>();
      for (SqlOperator op : functions.getOperatorList()) {
        if (!(op instanceof SqlFunction) || !FUNCTION_NAME.matcher(op.getName()).matches()
            || !CALLED_BY_NAME.contains(op.getSyntax()) || NOT_CALLABLE.contains(op.getKind())
            || op.getName().equals(VARIANT_NULL)) {
          continue;
        }
        // Calcite names each ON NULL variant of JSON_ARRAYAGG and JSON_OBJECTAGG apart.
        String name = op.getName().replaceFirst("_(ABSENT|NULL)_ON_NULL$", "");
        kinds.putIfAbsent(name, kind(op));
        Set<String> forms = signatures.computeIfAbsent(name, n -> new LinkedHashSet<>());
        String allowed = allowedSignatures(op);
        if (allowed != null) {
          forms.add(allowed.replace(op.getName() + "(", name + "("));
        }
      }
      REWRITTEN.forEach((name, form) -> {
        kinds.put(name, "scalar");
        signatures.put(name, Set.of(form));
      });
      List<Object[]> rows = new ArrayList<>();
      kinds.forEach((name, kind) -> rows.add(new Object[] {name, kind,
          signatures.get(name).isEmpty() ? null : String.join("; ", signatures.get(name))}));
      return rows;
    }

    private static String kind(SqlOperator op) {
      if (op instanceof SqlTableFunction) {
        return "table";
      }
      if (op.requiresOver()) {
        return "window";
      }
      return op.isAggregator() ? "aggregate" : "scalar";
    }

    /** Calcite's description of the operand types, or null for a function that gives none. */
    private static String allowedSignatures(SqlOperator op) {
      try {
        String text = op.getAllowedSignatures();
        String forms = text == null ? "" : text.replace("'", "").lines().map(String::strip)
            .filter(line -> !line.isEmpty()).collect(Collectors.joining("; "));
        return forms.isEmpty() ? null : forms;
      } catch (RuntimeException noChecker) {
        return null;
      }
    }
  }

  private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
  /** Functions in the operator table that a query cannot call as such: MATCH_RECOGNIZE's own. */
  private static final Set<SqlKind> NOT_CALLABLE = EnumSet.of(SqlKind.PREV, SqlKind.NEXT, SqlKind.CLASSIFIER,
      SqlKind.MATCH_NUMBER, SqlKind.FINAL, SqlKind.RUNNING, SqlKind.FIRST, SqlKind.LAST);
  /** VARIANT's null, which Calcite lists as a function that fails when called. */
  private static final String VARIANT_NULL = "VARIANTNULL";
  /** PostgreSQL's functions that the parser rewrites to Calcite's ({@code AnnalsParserImpl}). */
  private static final Map<String, String> REWRITTEN = Map.of(
      "DATE_TRUNC", "DATE_TRUNC('unit', <TIMESTAMP>), PostgreSQL's: unit one of microseconds to millennium",
      "NOW", "NOW(), PostgreSQL's: CURRENT_TIMESTAMP(3)");
  private static final Set<SqlSyntax> CALLED_BY_NAME = EnumSet.of(SqlSyntax.FUNCTION, SqlSyntax.FUNCTION_STAR,
      SqlSyntax.ORDERED_FUNCTION, SqlSyntax.FUNCTION_ID, SqlSyntax.FUNCTION_ID_CONSTANT);

  private final class StatusTable extends ComputedTable {
    StatusTable() {
      super(new String[] {"wal_bytes", "wal_segments", "memtable_rows", "memtable_bytes",
          "manifest_version", "flushed_files", "flushed_rows", "next_global_seq", "last_flush_at",
          "fsyncs", "failure", "arrow_bytes", "events_written", "fsync_millis", "flushes", "flush_millis",
          "damaged_files", "compactions", "compacted_files", "compaction_millis", "replaced_files"},
          new SqlTypeName[] {B, B, B, B, B, B, B, B, T, B, V, B, B, B, B, B, B, B, B, B, B});
    }

    @Override
    List<Object[]> rows() throws IOException {
      StoreStatus s = store.status();
      return List.<Object[]>of(new Object[] {s.walBytes(), (long) s.walSegments(), s.memtableRows(),
          s.memtableBytes(), s.manifestVersion(), (long) s.flushedFiles(), s.flushedRows(),
          s.nextGlobalSeq(), s.lastFlushAt() == null ? null : s.lastFlushAt().toEpochMilli(),
          s.fsyncs(), s.failure(), s.arrowBytes(), s.eventsWritten(), s.fsyncNanos() / 1_000_000, s.flushes(),
          s.flushNanos() / 1_000_000, (long) s.damagedFiles().size(), s.compactions(), s.compactedFiles(),
          s.compactionNanos() / 1_000_000, (long) s.replacedFiles()});
    }
  }
}
