package org.annals.engine.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a user may do. {@link #READ} runs queries (SELECT, EXPLAIN, metadata); {@link #APPEND}
 * appends events, over HTTP or with SQL's {@code INSERT ... VALUES}. An {@code INSERT ... SELECT}
 * reads as well, so it takes both. {@link #ADMIN} erases entities and sets retention (the
 * server's {@code /admin/} API), which takes events out of the store.
 */
public enum Role {
  READ, APPEND, ADMIN;

  /** The role's name in the users file and in connection properties. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every role. */
  public static Set<Role> all() {
    return EnumSet.allOf(Role.class);
  }

  /** Roles from a comma-separated list of labels; an unknown or empty one is refused. */
  public static Set<Role> parseList(String labels) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String label : labels.split(",", -1)) {
      roles.add(parse(label.trim()));
    }
    return roles;
  }

  private static Role parse(String label) {
    for (Role role : values()) {
      if (role.label().equals(label)) {
        return role;
      }
    }
    throw new IllegalArgumentException("'" + label + "' is not a role; the roles are read, append and admin");
  }

  /** The labels of some roles, comma-separated, in declaration order. */
  public static String labels(Set<Role> roles) {
    return String.join(",", roles.stream().sorted().map(Role::label).toList());
  }
}
