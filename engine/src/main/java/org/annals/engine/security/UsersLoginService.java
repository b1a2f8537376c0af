package org.annals.engine.security;

import java.nio.file.Path;
import javax.servlet.ServletRequest;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.server.UserIdentity;

/**
 * Checks a request's user against the users file ({@link PasswordUserStore}, read again when
 * it changes). A name that is not in the file costs as much as a wrong password, so that timing
 * does not tell which names exist. Thread-safe.
 */
public final class UsersLoginService extends HashLoginService {
  /** A hash no password matches in practice, checked for names not in the file. */
  private static final PasswordCredential DECOY = new PasswordCredential(PasswordHash.of(new char[] {'-'}));

  public UsersLoginService(Path usersFile) {
    super("annals");
    PasswordUserStore store = new PasswordUserStore();
    store.setConfigPath(usersFile);
    store.setHotReload(true);
    setUserStore(store);
  }

  @Override
  public UserIdentity login(String username, Object credentials, ServletRequest request) {
    UserIdentity user = super.login(username, credentials, request);
    if (user == null && loadUserInfo(username) == null) {
      DECOY.check(credentials);
    }
    return user;
  }
}
