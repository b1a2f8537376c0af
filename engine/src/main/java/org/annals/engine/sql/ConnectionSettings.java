package org.annals.engine.sql;

/**
 * What a connection's client chose for its queries, as the tables of its schema read it.
 *
 * @param pushdown whether scans take filters, columns and aggregates from the planner
 * @param queryTimeoutMillis how long a statement may run before its scans stop it, 0 for no limit
 *     (a statement's own {@code setQueryTimeout}, if shorter, applies instead)
 */
public record ConnectionSettings(boolean pushdown, long queryTimeoutMillis) {
  public ConnectionSettings {
    if (queryTimeoutMillis < 0) {
      throw new IllegalArgumentException("queryTimeoutMillis must be 0 (none) or more; got " + queryTimeoutMillis);
    }
  }
}
