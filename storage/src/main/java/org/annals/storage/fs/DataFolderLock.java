package org.annals.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on a data folder's LOCK file, so that two stores (in two processes or in
 * one) never write the same folder. The OS drops the lock when the process dies, so a crash never
 * leaves a folder locked.
 */
public final class DataFolderLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataFolderLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock or throws, saying which folder is in use. */
  public static DataFolderLock acquire(Path lockFile) throws IOException {
    FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw new IOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      ch.close();
      throw new DataFolderInUseException("the data folder " + lockFile.getParent()
          + " is already open in another store (its LOCK file is held); close that store or"
          + " process first, or use another data folder");
    }
    return new DataFolderLock(ch, lock);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
