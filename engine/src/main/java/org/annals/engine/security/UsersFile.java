package org.annals.engine.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The users a server lets in, one per line in the form Jetty's login service reads
 * ({@code name: PBKDF2:..., read, append}), so that the server checks them with Jetty's own BASIC
 * authentication. Only this class writes the file: one writer at a time, atomically and durably
 * (a reader never sees half a file, a crash never leaves an empty one), readable by its owner
 * alone, and never with a password in clear. A server with a users file reads it again when it
 * changes, so users added or removed while it runs count within seconds.
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
      String line = lines.getProperty(name);
      int comma = line.indexOf(',');
      try {
        if (comma < 0) {
          throw new IllegalArgumentException("no roles");
        }
        users.put(name, new User(name, PasswordHash.parse(line.substring(0, comma)),
            Role.parseList(line.substring(comma + 1))));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": the line of user '" + name + "' is not 'name: PBKDF2:..., role[, role]'"
            + " (" + e.getMessage() + "); rewrite it with annals user add", e);
      }
    }
    return Collections.unmodifiableMap(users);
  }

  /** Adds a user, or replaces the one of the same name; returns the one replaced, or null. */
  public User put(User user) throws IOException {
    try (FileChannel held = lockFile(); FileLock lock = held.lock()) {
      Map<String, User> users = new TreeMap<>(read());
      User replaced = users.put(user.name(), user);
      write(users);
      return replaced;
    }
  }

  /** Removes a user; false if there was none of that name. */
  public boolean remove(String name) throws IOException {
    try (FileChannel held = lockFile(); FileLock lock = held.lock()) {
      Map<String, User> users = new TreeMap<>(read());
      if (users.remove(name) == null) {
        return false;
      }
      write(users);
      return true;
    }
  }

  /**
   * Holds off other writers of the file for a read-modify-write: two {@code annals user add} run
   * at once would otherwise each write the file they read, and one user would be lost.
   */
  private FileChannel lockFile() throws IOException {
    Path lockFile = file.toAbsolutePath().resolveSibling(file.getFileName() + ".lock");
    Files.createDirectories(lockFile.getParent());
    return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private void write(Map<String, User> users) throws IOException {
    StringBuilder text = new StringBuilder("# Annals users: name: password hash, roles. Written by 'annals user'.\n");
    for (User user : users.values()) {
      text.append(user.name()).append(": ").append(user.password().encoded());
      user.roles().stream().sorted().forEach(role -> text.append(", ").append(role.label()));
      text.append('\n');
    }
    Path parent = file.toAbsolutePath().getParent();
    Path temporary = parent.resolve(file.getFileName() + ".tmp");
    // Left by a writer that crashed; the lock says no other is writing now.
    Files.deleteIfExists(temporary);
    try {
      Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(temporary);
    }
    try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
      // On disk before the rename makes it the users file: a crash must not leave an empty one.
      out.force(true);
    }
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
