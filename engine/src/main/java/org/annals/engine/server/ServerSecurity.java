package org.annals.engine.server;

import java.nio.file.Path;

/**
 * Who may reach the server and how the wire is protected.
 *
 * @param usersFile the users file ({@link org.annals.engine.security.UsersFile}); once it holds a
 *     user, every request must carry a user's name and password (HTTP BASIC). Null or absent:
 *     no users, and then a server binds to a non-loopback address only with
 *     {@code allowAnonymous}.
 * @param allowAnonymous serve a non-loopback address without users: anyone who reaches the port
 *     reads and appends
 * @param tlsKeystore the server's key and certificate (PKCS12 or JKS) for HTTPS, or null for plain HTTP
 * @param tlsKeystorePassword the keystore's password; required with a keystore
 */
public record ServerSecurity(Path usersFile, boolean allowAnonymous, Path tlsKeystore, String tlsKeystorePassword) {
  public ServerSecurity {
    if (tlsKeystore != null && tlsKeystorePassword == null) {
      throw new IllegalArgumentException("the TLS keystore " + tlsKeystore + " needs its password:"
          + " --tls-keystore-password, or the environment variable ANNALS_TLS_KEYSTORE_PASSWORD");
    }
  }

  /** Without the keystore's password, which would otherwise reach any log that prints the settings. */
  @Override
  public String toString() {
    return "ServerSecurity[usersFile=" + usersFile + ", allowAnonymous=" + allowAnonymous + ", tlsKeystore="
        + tlsKeystore + "]";
  }

  /** No users, no TLS: the loopback default. */
  public static ServerSecurity none() {
    return new ServerSecurity(null, false, null, null);
  }

  public boolean tls() {
    return tlsKeystore != null;
  }

  public ServerSecurity withUsers(Path file) {
    return new ServerSecurity(file, allowAnonymous, tlsKeystore, tlsKeystorePassword);
  }

  public ServerSecurity withTls(Path keystore, String password) {
    return new ServerSecurity(usersFile, allowAnonymous, keystore, password);
  }

}
