package org.annals.engine.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import org.annals.engine.security.PasswordHash;
import org.annals.engine.security.Role;
import org.annals.engine.security.UsersFile;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code annals user add|remove|list}: the users a server lets in, kept in its users file. */
@Command(name = "user", mixinStandardHelpOptions = true,
    description = "Add, remove or list the users a server lets in. A server started with users sees changes within"
        + " seconds; one started without needs a restart to require them.",
    subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.ListUsers.class})
final class UserCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Shortest password accepted: NIST's floor for a password a person chose. */
  static final int MIN_PASSWORD_CHARS = 8;

  /** Which users file: the default one of a data folder, or one named. */
  static final class Where {
    @Option(names = "--data", description = "The data folder whose users file (" + UsersFile.DEFAULT_NAME
        + ") to change.")
    Path data;

    @Option(names = "--users", paramLabel = "FILE", description = "The users file, if not the data folder's.")
    Path users;

    UsersFile file() {
      return new UsersFile(users != null ? users : data.resolve(UsersFile.DEFAULT_NAME));
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a user (or, with --replace, give an existing one a new password and roles). The"
          + " password, at least 8 characters, is asked for twice at the terminal, or read from one line of standard"
          + " input with --password-stdin.")
  static final class Add implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Where where;

    @Parameters(paramLabel = "NAME", description = "The user name: letters, digits and . _ @ -")
    String name;

    @Option(names = "--role", required = true, split = ",", paramLabel = "ROLE",
        description = "read (queries), append (appends over HTTP and SQL INSERT), admin (erasure and retention over"
            + " the server's /admin/ API), or several: --role read,append")
    Set<String> roles;

    @Option(names = "--password-stdin", description = "Read the password from standard input (for scripts).")
    boolean passwordStdin;

    @Option(names = "--replace", description = "Give an existing user this password and these roles.")
    boolean replace;

    @Override
    public Integer call() throws IOException {
      UsersFile.checkName(name);
      Set<Role> parsed = Role.parseList(String.join(",", roles));
      UsersFile file = where.file();
      if (!replace && file.read().containsKey(name)) {
        throw new IllegalArgumentException("there is already a user " + name + "; pass --replace to give them this"
            + " password and these roles");
      }
      boolean first = !java.nio.file.Files.exists(file.path());
      char[] password = passwordStdin ? fromStdin() : fromConsole(name);
      try {
        if (password.length < MIN_PASSWORD_CHARS) {
          throw new IllegalArgumentException("a password needs at least " + MIN_PASSWORD_CHARS + " characters");
        }
        UsersFile.User replaced = file.put(new UsersFile.User(name, PasswordHash.of(password), parsed));
        System.out.println((replaced != null ? "Changed" : "Added") + " user " + name + " (" + Role.labels(parsed)
            + ") in " + file.path().toAbsolutePath());
        if (first) {
          System.out.println("The first user: a server already running on this folder without users lets everyone in"
              + " until it is restarted.");
        }
        return 0;
      } finally {
        Arrays.fill(password, '\0');
      }
    }

    private static char[] fromStdin() throws IOException {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        throw new IllegalArgumentException("no password on standard input");
      }
      return line.toCharArray();
    }

    private static char[] fromConsole(String name) {
      Console console = System.console();
      if (console == null) {
        throw new IllegalArgumentException("no terminal to ask for the password; pipe it in with --password-stdin");
      }
      char[] first = console.readPassword("Password for %s: ", name);
      char[] second = console.readPassword("Again: ");
      if (first == null || second == null || !Arrays.equals(first, second)) {
        throw new IllegalArgumentException("the two passwords differ; nothing was changed");
      }
      Arrays.fill(second, '\0');
      return first;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
  static final class Remove implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Where where;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws IOException {
      UsersFile file = where.file();
      if (!file.remove(name)) {
        throw new IllegalArgumentException("there is no user " + name + " in " + file.path().toAbsolutePath());
      }
      System.out.println("Removed user " + name + " from " + file.path().toAbsolutePath());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users and their roles.")
  static final class ListUsers implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Where where;

    @Override
    public Integer call() throws IOException {
      for (UsersFile.User user : where.file().read().values()) {
        System.out.println(user.name() + "\t" + Role.labels(user.roles()));
      }
      return 0;
    }
  }
}
