package org.annals.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.annals.engine.security.Role;
import org.annals.engine.security.UsersFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annals user add|list|remove} as an operator runs them, and the users file they leave. */
class UserCommandTest {
  @TempDir Path data;

  private static int withStdin(String input, String... args) {
    InputStream original = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      return Main.run(args);
    } finally {
      System.setIn(original);
    }
  }

  @Test
  void addWritesASaltedHashReadableByItsOwnerAloneAndNeverThePassword() throws Exception {
    assertEquals(0, withStdin("correct horse\n", "user", "add", "--data", data.toString(), "ann", "--role", "read",
        "--password-stdin"));
    assertEquals(0, withStdin("correct horse\n", "user", "add", "--data", data.toString(), "bob", "--role",
        "read,append", "--password-stdin"));

    Path file = data.resolve(UsersFile.DEFAULT_NAME);
    String text = Files.readString(file);
    assertFalse(text.contains("correct horse"), text);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    Map<String, UsersFile.User> users = new UsersFile(file).read();
    assertEquals(Set.of(Role.READ), users.get("ann").roles());
    assertEquals(Set.of(Role.READ, Role.APPEND), users.get("bob").roles());
    assertTrue(users.get("ann").password().matches("correct horse".toCharArray()));
    assertFalse(users.get("ann").password().matches("correct horsE".toCharArray()));
    // The same password under another salt hashes differently.
    assertFalse(users.get("ann").password().encoded().equals(users.get("bob").password().encoded()));
  }

  @Test
  void anExistingUserIsChangedOnlyWithReplace() throws Exception {
    withStdin("first password\n", "user", "add", "--data", data.toString(), "ann", "--role", "read", "--password-stdin");
    Output err = Output.captureErr();
    try {
      assertEquals(1, withStdin("second password\n", "user", "add", "--data", data.toString(), "ann", "--role",
          "read,append", "--password-stdin"));
    } finally {
      err.restore();
    }
    assertTrue(err.text().contains("there is already a user ann; pass --replace"), err.text());
    UsersFile file = new UsersFile(data.resolve(UsersFile.DEFAULT_NAME));
    assertTrue(file.read().get("ann").password().matches("first password".toCharArray()));

    assertEquals(0, withStdin("second password\n", "user", "add", "--data", data.toString(), "ann", "--role",
        "read,append", "--password-stdin", "--replace"));
    assertTrue(file.read().get("ann").password().matches("second password".toCharArray()));
    assertEquals(Set.of(Role.READ, Role.APPEND), file.read().get("ann").roles());
  }

  @Test
  void removeTakesTheUserOutAndAnUnknownOneIsAnError() throws Exception {
    withStdin("long enough pass\n", "user", "add", "--data", data.toString(), "ann", "--role", "read",
        "--password-stdin");
    assertEquals(0, Main.run("user", "remove", "--data", data.toString(), "ann"));
    assertEquals(Map.of(), new UsersFile(data.resolve(UsersFile.DEFAULT_NAME)).read());

    Output err = Output.captureErr();
    try {
      assertEquals(1, Main.run("user", "remove", "--data", data.toString(), "ann"));
    } finally {
      err.restore();
    }
    assertTrue(err.text().contains("annals user remove: there is no user ann"), err.text());
  }

  @Test
  void badNamesRolesAndPasswordsAreRefusedAndChangeNothing() throws Exception {
    String[][] cases = {
        {"long enough pass", "ann:x", "read", "'ann:x' is not a user name"},
        {"long enough pass", "ann", "write", "'write' is not a role; the roles are read, append and admin"},
        {"short", "ann", "read", "a password needs at least 8 characters"},
    };
    for (String[] c : cases) {
      Output err = Output.captureErr();
      try {
        assertEquals(1, withStdin(c[0] + "\n", "user", "add", "--data", data.toString(), c[1], "--role", c[2],
            "--password-stdin"));
      } finally {
        err.restore();
      }
      assertTrue(err.text().contains("annals user add: " + c[3]), err.text());
    }
    assertFalse(Files.exists(data.resolve(UsersFile.DEFAULT_NAME)));
  }

  @Test
  void aServerOnAnAddressOtherMachinesReachRefusesToStartWithoutUsers() {
    Output err = Output.captureErr();
    try {
      assertEquals(1, Main.run("serve", "--data", data.toString(), "--host", "0.0.0.0", "--port", "0"));
    } finally {
      err.restore();
    }
    assertTrue(err.text().contains("refusing to serve 0.0.0.0 without users"), err.text());
    assertTrue(err.text().contains("annals user add"), err.text());
    assertFalse(Files.exists(data.resolve("wal")), "a refused start opens no store");
  }
}
