package org.annals.engine.server;

import java.util.Set;
import java.util.concurrent.Callable;
import org.annals.engine.security.Role;

/**
 * The user a request came from, as Jetty's BASIC authentication found it, and the roles the users
 * file gives them. Avatica hands the Meta no request, so the routing handler sets the user for the
 * thread that runs the request, and the Meta reads it there ({@link #current}).
 *
 * @param name null for a server without users, where everyone is the same anonymous user
 */
record RequestUser(String name, Set<Role> roles) {
  /**
   * Everyone, on a server without users: reading and appending, not the admin API, which takes
   * events out of the store and so needs a user who holds the admin role.
   */
  static final RequestUser ANONYMOUS = new RequestUser(null, Set.of(Role.READ, Role.APPEND));
  private static final ThreadLocal<RequestUser> CURRENT = new ThreadLocal<>();

  RequestUser {
    roles = Set.copyOf(roles);
  }

  /** The user of the request this thread serves; asked outside a request, a mistake of the server's. */
  static RequestUser current() {
    RequestUser user = CURRENT.get();
    if (user == null) {
      throw new IllegalStateException("no request is being served on this thread, so there is no user to act for");
    }
    return user;
  }

  /** Runs an action on behalf of a user. */
  static <T> T as(RequestUser user, Callable<T> action) throws Exception {
    try (Scope scope = enter(user)) {
      return action.call();
    }
  }

  /** Acts for a user on this thread until the scope closes: for code that calls the Meta in process. */
  static Scope enter(RequestUser user) {
    CURRENT.set(user);
    return CURRENT::remove;
  }

  /** The time a thread acts for a user. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  boolean anonymous() {
    return name == null;
  }

  /** How an error names the user. */
  String describe() {
    return anonymous() ? "an anonymous client" : "user " + name;
  }
}
