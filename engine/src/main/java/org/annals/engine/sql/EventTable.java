package org.annals.engine.sql;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.annals.storage.EventStore;
import org.annals.storage.event.EventColumn;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.AbstractQueryableTable;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.Queryable;
import org.apache.calcite.linq4j.tree.Expression;
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
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Schemas;
import org.apache.calcite.schema.impl.AbstractTableQueryable;
import org.apache.calcite.sql2rel.InitializerExpressionFactory;

/**
 * A table of events: {@code events} (every stream) or one stream's table. Reads push the columns
 * and the filters {@link FilterTranslator} understands into a storage scan; INSERT appends through
 * {@link EventAppender}. Every scan of one query reads up to the same global_seq, fixed by the
 * query's first scan ({@link QueryPositions}). Thread-safe.
 */
final class EventTable extends AbstractQueryableTable
    implements ProjectableFilterableTable, ModifiableTable {
  private final EventStore store;
  private final String streamName;
  private final QueryPositions positions;

  /** @param streamName the stream this table shows, or null for {@code events} */
  EventTable(EventStore store, String streamName, QueryPositions positions) {
    super(Object[].class);
    this.store = store;
    this.streamName = streamName;
    this.positions = positions;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return EventRowType.of(typeFactory);
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
    List<EventColumn> columns = new ArrayList<>();
    if (projects == null) {
      columns.addAll(EventColumn.ALL);
    } else {
      for (int p : projects) {
        columns.add(EventColumn.ALL.get(p));
      }
    }
    ScanSpec spec = new FilterTranslator(root).translate(filters, columns, streamName);
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        Snapshot snapshot = store.snapshot();
        long end = root == null ? snapshot.endGlobalSeq()
            : positions.endFor(root, snapshot.endGlobalSeq());
        try {
          return new EventEnumerator(snapshot, snapshot.scan(spec.withGlobalSeqAtMost(end - 1)), columns);
        } catch (RuntimeException e) {
          try {
            snapshot.close();
          } catch (java.io.IOException closing) {
            e.addSuppressed(closing);
          }
          throw e;
        }
      }
    };
  }

  /**
   * Reads go through {@link #scan} with the query's {@link DataContext}, whatever plan Calcite
   * picks; only INSERT asks for the table itself.
   */
  @Override
  public Expression getExpression(SchemaPlus schema, String tableName, Class clazz) {
    if (ModifiableTable.class.isAssignableFrom(clazz)) {
      return super.getExpression(schema, tableName, clazz);
    }
    return Schemas.tableExpression(schema, getElementType(), tableName, ProjectableFilterableTable.class);
  }

  @Override
  public <T> Queryable<T> asQueryable(QueryProvider queryProvider, SchemaPlus schema, String tableName) {
    return new AbstractTableQueryable<>(queryProvider, schema, this, tableName) {
      @SuppressWarnings("unchecked")
      @Override
      public Enumerator<T> enumerator() {
        return (Enumerator<T>) scan(null, new ArrayList<>(), null).enumerator();
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
