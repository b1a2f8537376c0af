package org.annals.engine.jdbc;

import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalciteSchema;

/**
 * The plans of one connection's recent SELECTs, by SQL text: a query sent again (a dashboard's
 * refresh, a client that does not prepare) skips parsing, validation, optimisation and code
 * generation, which cost about ten milliseconds even for a count the manifest answers. A plan
 * holds no data and no snapshot (each execution takes its own), so it stays right as events
 * arrive; a stream's table that did not exist fails validation and is never cached. A plan over
 * a typed table is used again only while that schema's columns are as they were. Plans are
 * kept per connection (per root schema), weakly, so they go with their connection.
 * Thread-safe.
 */
final class PlanCache {
  /** SQL texts remembered per connection, least recently used first out. */
  static final int MAX_PLANS = 256;

  private static final Map<CalciteSchema, PlanCache> BY_CONNECTION =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final Map<Key, Entry> plans =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
          return size() > MAX_PLANS;
        }
      };

  /** What a plan depends on besides the connection: the text, the default schema, the row shape. */
  record Key(String sql, List<String> schemaPath, Type elementType, long maxRowCount) {}

  /**
   * A plan, and the version of the typed tables' columns it was made with, or -1 for a plan that
   * reads no typed table: such a plan is right only while the columns stay as they were.
   */
  record Entry(CalcitePrepare.CalciteSignature<?> plan, long typesVersion) {}

  static PlanCache of(CalciteSchema rootSchema) {
    return BY_CONNECTION.computeIfAbsent(rootSchema, s -> new PlanCache());
  }

  synchronized Entry get(Key key) {
    return plans.get(key);
  }

  synchronized void put(Key key, Entry entry) {
    plans.put(key, entry);
  }
}
