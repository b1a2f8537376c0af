package org.annals.engine.sql;

import java.util.Objects;
import java.util.Set;
import org.annals.engine.security.Role;

/**
 * What a connection's client chose for its queries, as the tables of its schema read it.
 *
 * @param pushdown whether scans take filters, columns and aggregates from the planner
 * @param queryTimeoutMillis how long a statement may run before its scans stop it, 0 for no limit
 *     (a statement's own {@code setQueryTimeout}, if shorter, applies instead)
 * @param roles what the connection's statements may do
 * @param asOf the moment in the log its events tables show, {@link AsOf#NOW} for the store as it is
 */
public record ConnectionSettings(boolean pushdown, long queryTimeoutMillis, Set<Role> roles, AsOf asOf) {
  public ConnectionSettings {
    roles = Set.copyOf(roles);
    Objects.requireNonNull(asOf, "asOf");
    if (queryTimeoutMillis < 0) {
      throw new IllegalArgumentException("queryTimeoutMillis must be 0 (none) or more; got " + queryTimeoutMillis);
    }
  }
}
