package org.annals.engine.sql;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import org.annals.engine.types.PayloadCatalog;
import org.annals.engine.types.TypedTable;
import org.annals.storage.EventStore;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema {@code types}: a table per stream and event type with the payload's top-level fields
 * as typed columns ({@link TypedEventTable}), listed anew from the {@link PayloadCatalog} on
 * every lookup, so a new type's table and a new field's column appear with their first event
 * (callers turn Calcite's schema cache off for this schema). Thread-safe.
 */
public final class TypesSchema extends AbstractSchema {
  public static final String NAME = "types";

  private static final Logger LOG = LoggerFactory.getLogger(TypesSchema.class);
  private static final ThreadLocal<Boolean> LOOKED_UP = ThreadLocal.withInitial(() -> false);

  private final EventStore store;
  private final EventSchema events;

  /** @param events the connection's {@code annals} schema, whose settings and query positions the tables share */
  public TypesSchema(EventStore store, EventSchema events) {
    this.store = store;
    this.events = events;
  }

  @Override
  protected Map<String, Table> getTableMap() {
    LOOKED_UP.set(true);
    Map<String, Table> tables = new LinkedHashMap<>();
    for (TypedTable t : current()) {
      tables.put(t.name(), new TypedEventTable(events.streamTable(t.stream()), t));
    }
    return tables;
  }

  /**
   * The tables with every event appended until now; if reading the new payloads fails, those of
   * the last read, so that a listing of every schema's tables (a BI tool's first call) still works.
   */
  private List<TypedTable> current() {
    PayloadCatalog catalog = PayloadCatalog.of(store);
    try {
      return catalog.tables();
    } catch (RuntimeException e) {
      LOG.warn("reading new payloads for the typed tables failed; they stay as they were: {}", e.getMessage());
      return catalog.knownTables();
    }
  }

  /** The stream whose events a typed table shows, or null if there is no such table. */
  public String streamOf(String table) {
    TypedTable t = PayloadCatalog.of(store).table(table);
    return t == null ? null : t.stream();
  }

  /**
   * The {@code REMARKS} of typed tables' payload columns, by table and column name (null for any
   * other column), from one read of the catalog: a listing of every table's columns reads it once.
   */
  public BinaryOperator<String> remarks() {
    Map<String, Map<String, String>> byTable = new HashMap<>();
    for (TypedTable t : current()) {
      Map<String, String> columns = byTable.computeIfAbsent(t.name(), n -> new HashMap<>());
      t.fields().forEach(f -> columns.put(f.column(), f.remarks(t.events())));
    }
    return (table, column) -> byTable.getOrDefault(table, Map.of()).get(column);
  }

  /** The version of the tables' columns, with every event appended until now ({@link PayloadCatalog#version}). */
  public long version() {
    return PayloadCatalog.of(store).version();
  }

  /** The version of the tables' columns as last read, without reading new events. */
  public long knownVersion() {
    return PayloadCatalog.of(store).knownVersion();
  }

  /**
   * Whether this thread listed the typed tables since {@link #forgetLookups}: a statement that
   * named one is planned with the columns of the moment, and its plan is right only while they
   * stay ({@link #version}). Asked of the lookup, not of the plan, which may have no scan left
   * ({@code WHERE 1 = 0}).
   */
  public static boolean lookedUp() {
    return LOOKED_UP.get();
  }

  public static void forgetLookups() {
    LOOKED_UP.set(false);
  }
}
