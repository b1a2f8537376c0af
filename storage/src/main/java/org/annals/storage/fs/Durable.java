package org.annals.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file-system steps that make data survive a power loss. A rename or a new file is durable
 * only once its folder is fsynced, and a file's bytes only once the file itself is forced; these
 * helpers do both and say which operation failed. Stateless and thread-safe.
 */
public final class Durable {
  private Durable() {}

  /** Forces a file's bytes and metadata to disk. */
  public static void forceFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw new IOException("fsync of file " + file + " failed: " + e.getMessage(), e);
    }
  }

  /** Forces a folder's entries (new, renamed and deleted names) to disk. */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw new IOException("fsync of folder " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Creates a folder and any missing parents, fsyncing the parent of each folder it creates so
   * that the new names survive a crash.
   */
  public static void createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(absolute);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(absolute)) {
        throw new IOException("cannot create folder " + absolute + ": a file has that name", e);
      }
      return;
    }
    if (parent != null) {
      forceDirectory(parent);
    }
  }

  /**
   * Publishes a finished, fsynced temporary file under its final name without ever replacing an
   * existing file: a hard link fails if the target exists. Then drops the temporary name and
   * fsyncs the folder, so the new name is durable when this returns.
   */
  public static void publishNoReplace(Path temp, Path target) throws IOException {
    try {
      Files.createLink(target, temp);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("cannot publish " + target + ": a file of that name already exists", e);
    }
    Files.delete(temp);
    forceDirectory(target.getParent());
  }
}
