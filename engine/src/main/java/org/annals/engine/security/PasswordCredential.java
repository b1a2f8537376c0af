package org.annals.engine.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.util.security.Credential;

/**
 * A user's stored {@link PasswordHash} as Jetty's login service checks it, on every HTTP request
 * that carries the user's BASIC credentials. A JDBC client sends them with every request, and a
 * slow hash on each would cap a connection at ten requests a second; so the last password that
 * matched is remembered, as a SHA-256 under a salt of its own that lives only in this process,
 * and a request that carries it again is checked against that. A wrong password always pays the
 * full slow hash, and no more slow hashes run at once than the machine has cores, so that a flood
 * of wrong passwords slows logins, not queries. Thread-safe.
 */
final class PasswordCredential extends Credential {
  private static final long serialVersionUID = 1L;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Semaphore SLOW_CHECKS = new Semaphore(Runtime.getRuntime().availableProcessors());

  private final PasswordHash stored;
  private final byte[] memorySalt = new byte[16];
  private volatile byte[] lastMatch;

  PasswordCredential(PasswordHash stored) {
    this.stored = stored;
    RANDOM.nextBytes(memorySalt);
  }

  @Override
  public boolean check(Object credentials) {
    String password;
    if (credentials instanceof String text) {
      password = text;
    } else if (credentials instanceof char[] chars) {
      password = new String(chars);
    } else {
      return false;
    }
    byte[] quick = quickDigest(password);
    byte[] remembered = lastMatch;
    if (remembered != null && MessageDigest.isEqual(remembered, quick)) {
      return true;
    }
    SLOW_CHECKS.acquireUninterruptibly();
    try {
      if (!stored.matches(password.toCharArray())) {
        return false;
      }
    } finally {
      SLOW_CHECKS.release();
    }
    lastMatch = quick;
    return true;
  }

  /** A fast digest of a password under this process's salt, for remembering one already checked. */
  private byte[] quickDigest(String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(memorySalt);
      return sha.digest(password.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
