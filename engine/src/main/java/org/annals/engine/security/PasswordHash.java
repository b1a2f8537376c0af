package org.annals.engine.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted, slow hash of a password, as the users file keeps it:
 * {@code PBKDF2:<iterations>:<salt>:<hash>} with PBKDF2-HMAC-SHA512 and base64 salt and hash.
 * PBKDF2 ships with every JDK, so the file needs no library to check; the iteration count is
 * stored with each hash, so a later release can raise it without breaking existing files.
 *
 * @param iterations PBKDF2's iteration count
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {
  public static final String PREFIX = "PBKDF2:";
  /**
   * OWASP's figure for PBKDF2-HMAC-SHA512 (2023): about a tenth of a second per check on this
   * project's 2-core machines. Only a user's first request, and every wrong password, pays it
   * ({@link PasswordCredential} remembers the last right one).
   */
  public static final int ITERATIONS = 210_000;
  private static final String ALGORITHM = "PBKDF2WithHmacSHA512";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 512;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new hash of a password with a fresh random salt. */
  public static PasswordHash of(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new PasswordHash(ITERATIONS, salt, derive(password, salt, ITERATIONS));
  }

  /** Reads {@link #encoded()}'s form; anything else is refused with what was expected. */
  public static PasswordHash parse(String text) {
    String[] parts = text.trim().split(":", -1);
    if (parts.length != 4 || !(parts[0] + ":").equals(PREFIX)) {
      throw new IllegalArgumentException("not a password hash of the form " + PREFIX + "iterations:salt:hash");
    }
    try {
      Base64.Decoder base64 = Base64.getDecoder();
      int iterations = Integer.parseInt(parts[1]);
      if (iterations < 1) {
        throw new IllegalArgumentException("the iteration count must be positive");
      }
      return new PasswordHash(iterations, base64.decode(parts[2]), base64.decode(parts[3]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a password hash of the form " + PREFIX + "iterations:salt:hash: "
          + e.getMessage(), e);
    }
  }

  public String encoded() {
    Base64.Encoder base64 = Base64.getEncoder();
    return PREFIX + iterations + ":" + base64.encodeToString(salt) + ":" + base64.encodeToString(hash);
  }

  /** Whether a password is the one hashed, compared in constant time. */
  public boolean matches(char[] password) {
    return MessageDigest.isEqual(hash, derive(password, salt, iterations));
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
    } finally {
      spec.clearPassword();
    }
  }

}
