package org.annals.storage.memtable;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.annals.storage.concurrent.DaemonThreads;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder of {@link ChunkFile}s: a copy of the memtable's sealed chunks, so that a restart maps
 * the unflushed events instead of rebuilding them from the log. The log stays the record: these
 * files are written after the events are durable, without a sync, and a file that is missing or
 * damaged only means its events are replayed from the log again.
 *
 * <p>Rebuilding a gigabyte of log took about 8 s on two cores, most of it the kernel handing out
 * and zeroing fresh pages for the Arrow buffers; mapping files the page cache holds costs a CRC
 * pass. Each sealed chunk is written once, on a thread of its own, and its file is deleted when a
 * flush drops the chunk, so the folder holds no more than the memtable does.
 *
 * <p>Files are named {@code <first global_seq, 20 digits>-<rows>.chunk}. Thread-safe.
 */
public final class ChunkFiles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkFiles.class);
  private static final Pattern NAME = Pattern.compile("(\\d{20})-(\\d+)\\.chunk");
  private static final String TEMPORARY = ".tmp";

  /** Whether the warning that this JVM cannot write chunk files was logged (once is enough). */
  private volatile boolean toldNoNioAccess;
  private final Path dir;
  private final BufferAllocator allocator;
  private final ExecutorService writer;
  /** The files written or loaded, by first global_seq. */
  private final TreeMap<Long, Named> files = new TreeMap<>();
  /** Every chunk below this has been flushed and dropped, so a file of one must not stay. */
  private long droppedBelow;
  /** The chunk whose file the writer is writing, or null. */
  private MemtableChunk writing;

  /** Opens the folder, creating it. */
  public ChunkFiles(Path dir, BufferAllocator allocator) throws IOException {
    this.dir = dir;
    this.allocator = allocator;
    Files.createDirectories(dir);
    this.writer = Executors.newSingleThreadExecutor(DaemonThreads.named("annals-chunk-writer"));
  }

  /**
   * Loads the longest run of files that continues the log from {@code from}, reading up to
   * {@code threads} at once, and deletes every other file, and what interrupted writes left. A file that fails to load ends the run:
   * it and the files after it are deleted and their events replayed from the log.
   */
  public List<MemtableChunk> load(long from, int threads) throws IOException {
    synchronized (this) {
      droppedBelow = Math.max(droppedBelow, from);
    }
    List<Named> chain = new ArrayList<>();
    List<Path> others = new ArrayList<>();
    long expected = from;
    for (Named n : named().values()) {
      if (n.first == expected && n.rows > 0) {
        chain.add(n);
        expected = n.first + n.rows;
      } else {
        others.add(n.path);
      }
    }
    List<MemtableChunk> loaded = new ArrayList<>(chain.size());
    ExecutorService readers = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, chain.size())),
        DaemonThreads.numbered("annals-chunk-reader"));
    try {
      List<Future<MemtableChunk>> reads = new ArrayList<>(chain.size());
      for (Named n : chain) {
        reads.add(readers.submit(() -> ChunkFile.read(n.path, allocator)));
      }
      long next = from;
      for (int i = 0; i < chain.size(); i++) {
        MemtableChunk chunk = loadedOrNull(reads.get(i), chain.get(i), next);
        if (chunk == null) {
          for (int j = i + 1; j < chain.size(); j++) {
            MemtableChunk later = loadedOrNull(reads.get(j), chain.get(j), -1);
            if (later != null) {
              later.release();
            }
          }
          chain.subList(i, chain.size()).forEach(n -> others.add(n.path));
          break;
        }
        loaded.add(chunk);
        next = chunk.endGlobalSeq();
        synchronized (this) {
          files.put(chunk.firstGlobalSeq(), chain.get(i));
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      loaded.forEach(MemtableChunk::release);
      throw e;
    } finally {
      readers.shutdown();
    }
    for (Path p : others) {
      Files.deleteIfExists(p);
    }
    return loaded;
  }

  /** The chunk a read produced, if it loaded and starts where expected; else null, logged. */
  private static MemtableChunk loadedOrNull(Future<MemtableChunk> read, Named file, long expected)
      throws IOException {
    try {
      MemtableChunk chunk = read.get();
      if (expected >= 0 && (chunk.firstGlobalSeq() != expected || chunk.rowCount() != file.rows)) {
        LOG.warn("memtable chunk file {} holds {} events from global_seq {}, not what its name says; its events are"
            + " replayed from the WAL", file.path, chunk.rowCount(), chunk.firstGlobalSeq());
        chunk.release();
        return null;
      }
      return chunk;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while memtable chunk files were read");
    } catch (ExecutionException e) {
      if (expected >= 0 && e.getCause() instanceof IOException damaged) {
        LOG.warn("{}; its events are replayed from the WAL", damaged.getMessage());
      } else if (expected >= 0) {
        LOG.warn("could not load memtable chunk file {}; its events are replayed from the WAL", file.path,
            e.getCause());
      }
      return null;
    }
  }

  /**
   * Writes a sealed chunk's file in the background; the chunk is pinned until then. A chunk that a
   * flush drops meanwhile is not written, or its file is deleted at once.
   */
  public void save(MemtableChunk chunk) {
    if (chunk.rowCount() == 0 || !chunk.claimSave()) {
      return;
    }
    chunk.retain();
    try {
      writer.execute(() -> {
        try {
          write(chunk);
        } finally {
          chunk.release();
        }
      });
    } catch (RejectedExecutionException closed) {
      chunk.release();
    }
  }

  private void write(MemtableChunk chunk) {
    synchronized (this) {
      if (chunk.endGlobalSeq() <= droppedBelow) {
        return;
      }
      writing = chunk;
    }
    String name = String.format("%020d-%d.chunk", chunk.firstGlobalSeq(), chunk.rowCount());
    Path target = dir.resolve(name);
    Path temporary = dir.resolve(name + TEMPORARY);
    try {
      ChunkFile.write(chunk, temporary);
      synchronized (this) {
        if (chunk.endGlobalSeq() > droppedBelow) {
          Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
          files.put(chunk.firstGlobalSeq(), new Named(target, chunk.firstGlobalSeq(), chunk.rowCount()));
        }
      }
    } catch (IOException e) {
      // Only a slower restart is at stake: the events are in the log.
      LOG.warn("could not write memtable chunk file {}: {}; a restart replays its events from the WAL",
          target, e.getMessage());
    } catch (UnsupportedOperationException e) {
      // Arrow hands out its memory as NIO buffers only when the JVM opens java.nio to it.
      if (!toldNoNioAccess) {
        toldNoNioAccess = true;
        LOG.warn("memtable chunk files are not written: this JVM does not let Arrow's memory be written as NIO"
            + " buffers ({}); run it with --add-opens=java.base/java.nio=ALL-UNNAMED, as ./annals does. A restart"
            + " replays every unflushed event from the WAL meanwhile", e.getMessage());
      }
    } finally {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException e) {
        LOG.warn("could not delete {}: {}", temporary, e.getMessage());
      }
      synchronized (this) {
        writing = null;
        notifyAll();
      }
    }
  }

  /**
   * Deletes the files of chunks whose events all lie below {@code coveredGlobalSeq}. A file being
   * written of such a chunk is deleted as its write ends ({@link #awaitDroppedWrites}).
   */
  public synchronized void dropBelow(long coveredGlobalSeq) {
    droppedBelow = Math.max(droppedBelow, coveredGlobalSeq);
    while (!files.isEmpty() && files.firstEntry().getValue().end() <= coveredGlobalSeq) {
      Path first = files.pollFirstEntry().getValue().path;
      try {
        Files.deleteIfExists(first);
      } catch (IOException e) {
        LOG.warn("could not delete flushed memtable chunk file {}: {}", first, e.getMessage());
      }
    }
  }


  /**
   * Waits until no file of a dropped chunk is being written: an erasure flushes, and then no
   * copy of the erased events may stay on disk, not even for the moment a write takes.
   */
  public synchronized void awaitDroppedWrites() throws InterruptedException {
    while (writing != null && writing.endGlobalSeq() <= droppedBelow) {
      wait();
    }
  }

  /** Stops the writer, waiting for a file being written. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(1, TimeUnit.MINUTES)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private record Named(Path path, long first, int rows) {
    long end() {
      return first + rows;
    }
  }

  private TreeMap<Long, Named> named() throws IOException {
    TreeMap<Long, Named> byFirst = new TreeMap<>();
    for (Path p : list()) {
      if (p.getFileName().toString().endsWith(TEMPORARY)) {
        // Left by a write a crash or a stop interrupted.
        Files.deleteIfExists(p);
        continue;
      }
      Named n = parse(p);
      if (n != null) {
        byFirst.put(n.first, n);
      }
    }
    return byFirst;
  }

  private static Named parse(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    return m.matches() ? new Named(p, Long.parseLong(m.group(1)), Integer.parseInt(m.group(2))) : null;
  }

  private List<Path> list() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (NoSuchFileException gone) {
      return List.of();
    }
  }
}
