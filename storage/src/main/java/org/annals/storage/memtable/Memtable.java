package org.annals.storage.memtable;

import java.util.ArrayList;
import java.util.List;
import org.annals.storage.event.SequencedBatch;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The acknowledged events not yet in Parquet files, in global_seq order, as a list of Arrow
 * chunks. The WAL writer thread inserts; queries pin chunks; a flush seals the active chunk,
 * writes the sealed ones and drops them once the manifest that lists their files is committed.
 * Thread-safe: the chunk list is guarded by this object's monitor, chunk contents by each chunk.
 */
public final class Memtable implements AutoCloseable {
  private static final int INITIAL_CHUNK_ROWS = 1024;

  private final BufferAllocator allocator;
  private final int maxChunkRows;
  private final List<MemtableChunk> chunks = new ArrayList<>();
  /** Where sealed chunks are copied for a quick restart, or null for a memtable that is not kept. */
  private final ChunkFiles files;
  private long endGlobalSeq;

  /**
   * @param startGlobalSeq the global_seq the first inserted event will have
   * @param maxChunkRows rows after which the active chunk is sealed and a new one started
   */
  public Memtable(BufferAllocator allocator, long startGlobalSeq, int maxChunkRows) {
    this(allocator, startGlobalSeq, maxChunkRows, null, List.of());
  }

  /**
   * A store's memtable, which saves each chunk it seals to {@code files}, starting with chunks
   * loaded from them.
   *
   * @param loaded sealed chunks from {@code startGlobalSeq} on, in order, each continuing the last
   */
  public Memtable(BufferAllocator allocator, long startGlobalSeq, int maxChunkRows, ChunkFiles files,
      List<MemtableChunk> loaded) {
    this.allocator = allocator;
    this.maxChunkRows = maxChunkRows;
    this.files = files;
    this.endGlobalSeq = startGlobalSeq;
    for (MemtableChunk c : loaded) {
      if (c.firstGlobalSeq() != endGlobalSeq || !c.sealed()) {
        throw new IllegalArgumentException("a loaded chunk must be sealed and start at global_seq " + endGlobalSeq
            + ", not " + c.firstGlobalSeq());
      }
      chunks.add(c);
      endGlobalSeq = c.endGlobalSeq();
    }
  }

  /**
   * Inserts durable batches in log order. Called by the WAL writer thread only; holding the monitor
   * keeps a flush from sealing a chunk while a batch is half in it.
   */
  public synchronized void insert(List<SequencedBatch> batches) {
    for (SequencedBatch batch : batches) {
      if (batch.firstGlobalSeq() != endGlobalSeq) {
        throw new IllegalStateException("memtable expected global_seq " + endGlobalSeq
            + " but got a batch starting at " + batch.firstGlobalSeq());
      }
      activeChunk().append(batch);
      endGlobalSeq = batch.endGlobalSeq();
    }
  }

  /**
   * Moves the chunks of a memtable whose events continue this one's to the end of this one, as
   * they are: a recovery fills one memtable per WAL segment on several threads and then joins
   * them. {@code next} is left empty.
   */
  public void absorb(Memtable next) {
    synchronized (this) {
      synchronized (next) {
        if (next.chunks.isEmpty()) {
          return;
        }
        long start = next.chunks.get(0).firstGlobalSeq();
        if (start != endGlobalSeq) {
          throw new IllegalStateException("memtable expected global_seq " + endGlobalSeq
              + " but the memtable to join starts at " + start);
        }
        if (!chunks.isEmpty()) {
          sealAndSave(chunks.get(chunks.size() - 1));
        }
        for (MemtableChunk c : next.chunks) {
          if (c.sealed()) {
            save(c);
          }
        }
        chunks.addAll(next.chunks);
        next.chunks.clear();
        endGlobalSeq = next.endGlobalSeq;
      }
    }
  }

  private MemtableChunk activeChunk() {
    MemtableChunk last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
    if (last != null && !last.sealed() && last.rowCount() < maxChunkRows) {
      return last;
    }
    MemtableChunk fresh;
    if (last != null && last.rowCount() >= maxChunkRows) {
      // Under steady load the next chunk fills up like the last one: sizing its buffers so up
      // front spares the writer thread the copies of growing them step by step.
      fresh = new MemtableChunk(allocator, endGlobalSeq, maxChunkRows, last.bytesPerValue());
    } else {
      fresh = new MemtableChunk(allocator, endGlobalSeq, INITIAL_CHUNK_ROWS, null);
    }
    if (last != null) {
      sealAndSave(last);
    }
    chunks.add(fresh);
    return fresh;
  }

  private void sealAndSave(MemtableChunk chunk) {
    chunk.seal();
    save(chunk);
  }

  private void save(MemtableChunk chunk) {
    if (files != null) {
      files.save(chunk);
    }
  }

  /**
   * Pins every chunk with its current row count. Each pinned chunk has been retained; the caller
   * releases it through {@link PinnedRows#release()}.
   */
  public synchronized PinnedRows pin() {
    List<PinnedRows.Part> parts = new ArrayList<>(chunks.size());
    for (MemtableChunk c : chunks) {
      int rows = c.rowCount();
      if (rows > 0) {
        c.retain();
        parts.add(new PinnedRows.Part(c, rows));
      }
    }
    return new PinnedRows(parts, endGlobalSeq);
  }

  /** Seals the active chunk and pins every chunk, for a flush to write. */
  public synchronized PinnedRows sealForFlush() {
    if (!chunks.isEmpty()) {
      // Saved too: a flush that fails leaves the chunk in the memtable. Its file is skipped or
      // deleted if the flush succeeds first.
      sealAndSave(chunks.get(chunks.size() - 1));
    }
    return pin();
  }

  /** Drops the chunks whose events all lie below {@code coveredGlobalSeq}, and their files. */
  public synchronized void dropBelow(long coveredGlobalSeq) {
    while (!chunks.isEmpty()) {
      MemtableChunk first = chunks.get(0);
      if (!first.sealed() || first.endGlobalSeq() > coveredGlobalSeq) {
        break;
      }
      chunks.remove(0);
      first.release();
    }
    if (files != null) {
      files.dropBelow(coveredGlobalSeq);
    }
  }

  /** Waits until no file of a dropped chunk is being written (see {@link ChunkFiles}). */
  public void awaitDroppedChunkWrites() throws InterruptedException {
    if (files != null) {
      files.awaitDroppedWrites();
    }
  }

  public synchronized long rowCount() {
    long rows = 0;
    for (MemtableChunk c : chunks) {
      rows += c.rowCount();
    }
    return rows;
  }

  public synchronized long bytes() {
    long bytes = 0;
    for (MemtableChunk c : chunks) {
      bytes += c.bytes();
    }
    return bytes;
  }

  /** Nanoseconds since the oldest chunk holding rows was started, or 0 when empty. */
  public synchronized long oldestAgeNanos() {
    for (MemtableChunk c : chunks) {
      if (c.rowCount() > 0) {
        return c.ageNanos();
      }
    }
    return 0;
  }

  /** One past the last global_seq inserted. */
  public synchronized long endGlobalSeq() {
    return endGlobalSeq;
  }

  /** Stops saving chunks (waiting for a file being written) and frees every chunk. */
  @Override
  public void close() {
    if (files != null) {
      files.close();
    }
    releaseAll();
  }

  private synchronized void releaseAll() {
    for (MemtableChunk c : chunks) {
      c.release();
    }
    chunks.clear();
  }
}
