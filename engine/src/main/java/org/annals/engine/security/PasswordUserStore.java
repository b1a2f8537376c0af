package org.annals.engine.security;

import org.eclipse.jetty.security.PropertyUserStore;
import org.eclipse.jetty.util.security.Credential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users file as Jetty reads it, again whenever it changes, taking only users whose password
 * is a {@link PasswordHash}: Jetty would also take a password in clear, or hashed with unsalted
 * MD5 or DES crypt, from a hand-edited line. Such a line is left out and logged.
 */
final class PasswordUserStore extends PropertyUserStore {
  private static final Logger LOG = LoggerFactory.getLogger(PasswordUserStore.class);

  @Override
  public void addUser(String username, Credential credential, String[] roles) {
    if (!(credential instanceof PasswordCredential)) {
      LOG.error("user {} in {} is left out: the password is not a {} hash; set it with annals user add", username,
          getConfig(), PasswordHash.PREFIX);
      return;
    }
    super.addUser(username, credential, roles);
  }
}
