package org.annals.engine.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The users a server lets in, one per line in the form Jetty's login service reads
 * ({@code name: PBKDF2:..., read, append}), so that the server checks them with Jetty's own BASIC
 * authentication. Only this class writes the file: atomically (a reader never sees half a file),
 * readable by its owner alone, and never with a password in clear. The server reads it again
 * when it changes, so users added while it runs can connect within seconds.
 */
public final class UsersFile {
  /** Where a data folder keeps its users unless the server is told another file. */
  public static final String DEFAULT_NAME = "users.properties";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  /**
   * One user.
   *
   * @param roles never empty
   */
  public record User(String name, PasswordHash password, Set<Role> roles) {
    public User {
      checkName(name);
      if (roles.isEmpty()) {
        throw new IllegalArgumentException("user " + name + " needs at least one role (read, append)");
      }
      roles = Set.copyOf(roles);
    }
  }

  private final Path file;

  public UsersFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /** Refuses a user name that could not be written or sent as a BASIC user name. */
  public static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a user name: use 1 to 64 letters, digits and"
          + " . _ @ -, starting with a letter or digit");
    }
  }

  /** The users in the file by name, none if there is no file; a malformed line is refused with its user. */
  public Map<String, User> read() throws IOException {
    if (!Files.exists(file)) {
      return Map.of();
    }
    Properties lines = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      lines.load(in);
    }
    Map<String, User> users = new TreeMap<>();
    for (String name : lines.stringPropertyNames()) {
      String[] fields = lines.getProperty(name).split(",", -1);
      try {
        List<String> roleLabels = new ArrayList<>();
        for (int i = 1; i < fields.length; i++) {
          roleLabels.add(fields[i].trim());
        }
        users.put(name, new User(name, PasswordHash.parse(fields[0]), Role.parseList(String.join(",", roleLabels))));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": the line of user '" + name + "' is not 'name: PBKDF2:..., role[, role]'"
            + " (" + e.getMessage() + "); rewrite it with annals user add", e);
      }
    }
    return Collections.unmodifiableMap(users);
  }

  /** Adds a user, or replaces the one of the same name. */
  public void put(User user) throws IOException {
    Map<String, User> users = new TreeMap<>(read());
    users.put(user.name(), user);
    write(users);
  }

  /** Removes a user; false if there was none of that name. */
  public boolean remove(String name) throws IOException {
    Map<String, User> users = new TreeMap<>(read());
    if (users.remove(name) == null) {
      return false;
    }
    write(users);
    return true;
  }

  private void write(Map<String, User> users) throws IOException {
    StringBuilder text = new StringBuilder("# Annals users: name: password hash, roles. Written by 'annals user'.\n");
    for (User user : users.values()) {
      text.append(user.name()).append(": ").append(user.password().encoded());
      user.roles().stream().sorted().forEach(role -> text.append(", ").append(role.label()));
      text.append('\n');
    }
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = parent.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    try {
      Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(temporary);
    } catch (FileAlreadyExistsException raced) {
      throw new IOException("another 'annals user' is writing " + file + "; try again", raced);
    }
    Files.writeString(temporary, text, StandardCharsets.UTF_8);
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
