package org.annals.engine.sql;

import java.util.Set;
import org.annals.engine.security.Role;

/**
 * What a connection's client chose for its queries, as the tables of its schema read it.
 *
 * @param pushdown whether scans take filters, columns and aggregates from the planner
 * @param queryTimeoutMillis how long a statement may run before its scans stop it, 0 for no limit
 *     (a statement's own {@code setQueryTimeout}, if shorter, applies instead)
 * @param roles what the connection's statements may do
 */
public record ConnectionSettings(boolean pushdown, long queryTimeoutMillis, Set<Role> roles) {
  public ConnectionSettings {
    roles = Set.copyOf(roles);
    if (queryTimeoutMillis < 0) {
      throw new IllegalArgumentException("queryTimeoutMillis must be 0 (none) or more; got " + queryTimeoutMillis);
    }
  }
}
