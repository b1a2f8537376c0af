package org.annals.engine.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;
import org.annals.storage.EventStore;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.ScanStats;
import org.annals.storage.scan.Snapshot;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.AbstractQueryableTable;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.Queryable;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalTableModify;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ModifiableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTableQueryable;
import org.apache.calcite.sql2rel.InitializerExpressionFactory;

/**
 * A table of events: {@code events} (every stream) or one stream's table. The planner sees it as
 * an {@link EventTableScan}, into which {@link EventRules} push columns, filters and aggregates;
 * {@link #query} runs what was pushed against a storage snapshot. INSERT appends through
 * {@link EventAppender}. Every scan of one query reads up to the same global_seq, fixed by the
 * query's first scan ({@link QueryPositions}). Thread-safe.
 */
final class EventTable extends AbstractQueryableTable
    implements TranslatableTable, ModifiableTable, RecordedAtPeriod {
  private final EventStore store;
  private final String streamName;
  private final QueryPositions positions;
  private final ConnectionSettings settings;

  /**
   * @param streamName the stream this table shows, or null for {@code events}
   * @param settings the connection's: whether {@link EventRules} may push work into this table's
   *     scans, and how long a statement may read
   */
  EventTable(EventStore store, String streamName, QueryPositions positions, ConnectionSettings settings) {
    super(Object[].class);
    this.store = store;
    this.streamName = streamName;
    this.positions = positions;
    this.settings = settings;
  }

  boolean pushdown() {
    return settings.pushdown();
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return EventRowType.of(typeFactory);
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    return EventTableScan.of(context.getCluster(), relOptTable, this);
  }

  @Override
  public Statistic getStatistic() {
    return Statistics.of(estimatedRows(), List.of());
  }

  /** The rows the table holds now, for the planner's estimates: from the manifest and memtable. */
  double estimatedRows() {
    return streamName == null ? store.eventCount() : store.eventCount(streamName);
  }

  /**
   * Runs a pushed scan: translates its filters with this execution's {@code ?} values, then reads
   * rows (or computes the aggregate) from a snapshot. The snapshot is taken when enumeration starts.
   */
  Enumerable<Object[]> query(DataContext root, EventQuery query) {
    // A spec names at least one column; an aggregate returns its groups, none of the columns.
    List<EventColumn> columns = query.aggregate() != null ? List.of(EventColumn.GLOBAL_SEQ) : query.readColumns();
    ScanSpec spec = new FilterTranslator(root).translate(query.filters(), columns, streamName);
    Predicate<Object[]> onFields = query.fieldFilters().isEmpty() ? null
        : FieldConditions.compile(query.fieldFilters(), query.jsonFields(), query.columns().size(), root);
    StatementCancel cancelled = StatementCancel.of(root, settings.queryTimeoutMillis());
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        Snapshot snapshot = store.snapshot();
        try {
          long end = root == null ? snapshot.endGlobalSeq()
              : positions.endFor(root, snapshot.endGlobalSeq());
          AsOf asOf = settings.asOf();
          ScanSpec bounded = spec.withGlobalSeqAtMost(Math.min(end - 1, asOf.lastGlobalSeq()))
              .withRecordedAtMost(asOf.lastRecordedAt());
          if (query.aggregate() != null) {
            try (snapshot) {
              return Linq4j.enumerator(snapshot.aggregate(bounded, query.aggregate(), cancelled, new ScanStats()));
            }
          }
          EventQuery.Top top = query.top();
          EventScanner scan = top == null ? snapshot.scan(bounded, cancelled)
              : snapshot.top(bounded, top.column(), top.descending(), top.n(), cancelled);
          EventEnumerator rows = new EventEnumerator(snapshot, scan, cancelled, query.columns().size(),
              query.jsonFields().isEmpty() ? null : new JsonFieldReader(columns, query.jsonFields()), onFields);
          if (query.fieldAggregate() != null) {
            try (rows) {
              return Linq4j.enumerator(FieldAggregation.run(rows, query.fieldAggregate()));
            }
          }
          return rows;
        } catch (CancellationException e) {
          throw closing(snapshot, cancelled.error());
        } catch (IOException e) {
          throw closing(snapshot, new UncheckedIOException("reading events failed: " + e.getMessage(), e));
        } catch (RuntimeException e) {
          throw closing(snapshot, e);
        }
      }

      /** Only a result-set cursor iterates a scan; operators above it take its enumerator. */
      @Override
      public Iterator<Object[]> iterator() {
        Enumerator<Object[]> rows = enumerator();
        if (rows instanceof EventEnumerator scan) {
          if (query.jsonFields().isEmpty()) {
            RootScans.iterated(scan);
          }
          return scan.iterator();
        }
        return Linq4j.enumeratorIterator(rows);
      }
    };
  }

  private static RuntimeException closing(Snapshot snapshot, RuntimeException e) {
    try {
      snapshot.close();
    } catch (IOException closing) {
      e.addSuppressed(closing);
    }
    return e;
  }

  @Override
  public <T> Queryable<T> asQueryable(QueryProvider queryProvider, SchemaPlus schema, String tableName) {
    return new AbstractTableQueryable<>(queryProvider, schema, this, tableName) {
      @SuppressWarnings("unchecked")
      @Override
      public Enumerator<T> enumerator() {
        return (Enumerator<T>) query(null, EventQuery.all()).enumerator();
      }
    };
  }

  @Override
  public Collection getModifiableCollection() {
    return new EventAppender(store, streamName);
  }

  @Override
  public TableModify toModificationRel(RelOptCluster cluster, RelOptTable table,
      Prepare.CatalogReader catalogReader, RelNode child, TableModify.Operation operation,
      List<String> updateColumnList, List<RexNode> sourceExpressionList, boolean flattened) {
    if (operation != TableModify.Operation.INSERT) {
      throw SqlErrors.immutable(operation.name());
    }
    return LogicalTableModify.create(table, catalogReader, child, operation, updateColumnList,
        sourceExpressionList, flattened);
  }

  @Override
  public <C> C unwrap(Class<C> type) {
    if (type == InitializerExpressionFactory.class) {
      return type.cast(new EventColumnDefaults(streamName));
    }
    return super.unwrap(type);
  }

  @Override
  public Type getElementType() {
    return Object[].class;
  }
}
