package org.annals.engine.security;

import org.eclipse.jetty.util.security.Credential;
import org.eclipse.jetty.util.security.CredentialProvider;

/**
 * Teaches Jetty's login service the users file's {@link PasswordHash} form: Jetty finds this
 * class through {@code META-INF/services} when it reads a credential that starts with
 * {@link PasswordHash#PREFIX}. Jetty's own forms (unsalted MD5, DES crypt) are too weak to offer.
 */
public final class PasswordCredentialProvider implements CredentialProvider {
  @Override
  public Credential getCredential(String credential) {
    return new PasswordCredential(PasswordHash.parse(credential));
  }

  @Override
  public String getPrefix() {
    return PasswordHash.PREFIX;
  }
}
