package org.annals.storage.memtable;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.annals.storage.arrow.EventVectors;
import org.annals.storage.event.EncodedEvent;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventIds;
import org.annals.storage.event.EventRow;
import org.annals.storage.event.SequencedBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * A run of consecutive events (by global_seq) held in Arrow vectors, one per column. Only the WAL
 * writer thread appends, and only while the chunk is active; readers take the read lock, because
 * growing a vector reallocates its buffers. A chunk is reference counted: the memtable holds one
 * reference until the chunk is flushed, and each snapshot that sees it holds another, so a flush
 * never frees memory a running query still reads.
 */
public final class MemtableChunk {
  private final FieldVector[] vectors = new FieldVector[EventColumn.ALL.size()];
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicInteger refs = new AtomicInteger(1);
  private final long firstGlobalSeq;
  private final long createdAtNanos = System.nanoTime();
  private volatile int rowCount;
  private volatile boolean sealed;
  /** Rows by entity id, once a lookup has needed them; only for a sealed chunk. */
  private volatile EntityRows entityRows;
  /** Text columns as dictionary ids, once an aggregate has needed them; only for a sealed chunk. */
  private final TextDictionary[] dictionaries = new TextDictionary[EventColumn.ALL.size()];
  /** Text columns found to have too many distinct values for a dictionary. */
  private final boolean[] tooManyValues = new boolean[EventColumn.ALL.size()];
  /** Where {@link #append} writes each event id's text; only the WAL writer thread appends. */
  private final byte[] idText = new byte[EventIds.TEXT_BYTES];
  /** Whether the chunk was handed to {@link ChunkFiles} to save, or loaded from there. */
  private final AtomicBoolean saveClaimed = new AtomicBoolean();

  /**
   * @param bytesPerValue for each text column, how many bytes a value is expected to take, or
   *     null to start with Arrow's default
   */
  MemtableChunk(BufferAllocator allocator, long firstGlobalSeq, int initialRows, double[] bytesPerValue) {
    this.firstGlobalSeq = firstGlobalSeq;
    try {
      for (EventColumn c : EventColumn.ALL) {
        FieldVector v = EventVectors.newVector(c, allocator);
        vectors[c.ordinal()] = v;
        if (bytesPerValue != null && v instanceof VarCharVector text) {
          // Arrow buffers stop at 2 GiB; a chunk that needs more grows on append as usual.
          double perValue = Math.min(bytesPerValue[c.ordinal()], (1 << 30) / (double) initialRows);
          text.setInitialCapacity(initialRows, perValue);
        } else {
          v.setInitialCapacity(initialRows);
        }
        v.allocateNew();
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      for (FieldVector v : vectors) {
        if (v != null) {
          v.close();
        }
      }
      throw e;
    }
  }

  private MemtableChunk(FieldVector[] loaded, long firstGlobalSeq, int rows) {
    System.arraycopy(loaded, 0, vectors, 0, vectors.length);
    this.firstGlobalSeq = firstGlobalSeq;
    this.rowCount = rows;
    this.sealed = true;
    this.saveClaimed.set(true);
  }

  /** A sealed chunk of vectors loaded from a {@link ChunkFile}, which it takes over. */
  static MemtableChunk loaded(FieldVector[] loaded, long firstGlobalSeq, int rows) {
    return new MemtableChunk(loaded, firstGlobalSeq, rows);
  }

  /** Appends a durable batch; its first event must follow this chunk's last one. */
  void append(SequencedBatch batch) {
    lock.writeLock().lock();
    try {
      int row = rowCount;
      byte[] stream = batch.streamName().getBytes(StandardCharsets.UTF_8);
      VarCharVector streamV = (VarCharVector) vectors[EventColumn.STREAM_NAME.ordinal()];
      BigIntVector seqV = (BigIntVector) vectors[EventColumn.SEQ.ordinal()];
      BigIntVector globalV = (BigIntVector) vectors[EventColumn.GLOBAL_SEQ.ordinal()];
      VarCharVector entityV = (VarCharVector) vectors[EventColumn.ENTITY_ID.ordinal()];
      BigIntVector versionV = (BigIntVector) vectors[EventColumn.VERSION.ordinal()];
      VarCharVector idV = (VarCharVector) vectors[EventColumn.EVENT_ID.ordinal()];
      VarCharVector typeV = (VarCharVector) vectors[EventColumn.EVENT_TYPE.ordinal()];
      TimeStampMilliTZVector recordedV = (TimeStampMilliTZVector) vectors[EventColumn.RECORDED_AT.ordinal()];
      VarCharVector payloadV = (VarCharVector) vectors[EventColumn.PAYLOAD.ordinal()];
      VarCharVector metadataV = (VarCharVector) vectors[EventColumn.METADATA.ordinal()];
      for (int i = 0; i < batch.size(); i++, row++) {
        EncodedEvent e = batch.events().get(i);
        streamV.setSafe(row, stream);
        seqV.setSafe(row, batch.firstSeq() + i);
        globalV.setSafe(row, batch.firstGlobalSeq() + i);
        if (e.entityIdUtf8() == null) {
          entityV.setNull(row);
          versionV.setNull(row);
        } else {
          entityV.setSafe(row, e.entityIdUtf8());
          versionV.setSafe(row, batch.versions()[i]);
        }
        EventIds.writeText(e.eventId(), idText);
        idV.setSafe(row, idText, 0, EventIds.TEXT_BYTES);
        typeV.setSafe(row, e.eventType());
        recordedV.setSafe(row, batch.recordedAt());
        payloadV.setSafe(row, e.payload());
        if (e.metadata() == null) {
          metadataV.setNull(row);
        } else {
          metadataV.setSafe(row, e.metadata());
        }
      }
      for (FieldVector v : vectors) {
        v.setValueCount(row);
      }
      rowCount = row;
    } finally {
      lock.writeLock().unlock();
    }
  }

  public long firstGlobalSeq() {
    return firstGlobalSeq;
  }

  /** One past the last global_seq in the chunk. */
  public long endGlobalSeq() {
    return firstGlobalSeq + rowCount;
  }

  public int rowCount() {
    return rowCount;
  }

  public boolean sealed() {
    return sealed;
  }

  void seal() {
    sealed = true;
  }

  /** True the first time only: a chunk is saved once, however many times it is sealed. */
  boolean claimSave() {
    return saveClaimed.compareAndSet(false, true);
  }

  long ageNanos() {
    return System.nanoTime() - createdAtNanos;
  }

  /** The mean bytes of each text column's values, a little rounded up; 0 for other columns. */
  double[] bytesPerValue() {
    lock.readLock().lock();
    try {
      double[] means = new double[vectors.length];
      int rows = rowCount;
      for (EventColumn c : EventColumn.ALL) {
        if (rows > 0 && vectors[c.ordinal()] instanceof VarCharVector text) {
          means[c.ordinal()] = 1.05 * text.getEndOffset(rows - 1) / rows;
        }
      }
      return means;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Bytes of Arrow memory the chunk holds. */
  long bytes() {
    lock.readLock().lock();
    try {
      long total = 0;
      for (FieldVector v : vectors) {
        total += v.getBufferSize();
      }
      return total;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Visits the rows in [from, to) whose entity_id is these bytes, in order, under the read lock.
   * A sealed chunk finds them through its {@link EntityRows}, built on the first call; an active
   * one, still growing, is read row by row.
   */
  public void readEntity(byte[] entityIdUtf8, int from, int to, RowVisitor visitor) {
    if (from >= to) {
      // Above all, no index built for a chunk the scan's global_seq range leaves out.
      return;
    }
    if (!sealed) {
      read(from, to, row -> !row.bytesEqual(EventColumn.ENTITY_ID, entityIdUtf8) || visitor.visit(row));
      return;
    }
    lock.readLock().lock();
    try {
      EntityRows index = entityRows;
      if (index == null) {
        synchronized (this) {
          if (entityRows == null) {
            entityRows = new EntityRows((VarCharVector) vectors[EventColumn.ENTITY_ID.ordinal()], rowCount);
          }
          index = entityRows;
        }
      }
      Row row = new Row();
      for (int r = index.first(entityIdUtf8); r >= 0 && r < to; r = index.next(r)) {
        if (r >= from) {
          row.index = r;
          if (!visitor.visit(row)) {
            return;
          }
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * A sealed chunk's text column as dictionary ids (built on the first call), or null if the
   * chunk is still growing or the column has too many distinct values.
   */
  public TextDictionary dictionary(EventColumn column) {
    int c = column.ordinal();
    if (!sealed || !(vectors[c] instanceof VarCharVector text)) {
      return null;
    }
    // The read lock first, then the monitor, as readEntity takes them.
    lock.readLock().lock();
    try {
      synchronized (this) {
        if (dictionaries[c] == null && !tooManyValues[c]) {
          dictionaries[c] = TextDictionary.build(text, rowCount);
          tooManyValues[c] = dictionaries[c] == null;
        }
        return dictionaries[c];
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Visits rows [from, to) under the read lock; the row passed to the visitor is reused. */
  public void read(int from, int to, RowVisitor visitor) {
    lock.readLock().lock();
    try {
      Row row = new Row();
      for (int i = from; i < to; i++) {
        row.index = i;
        if (!visitor.visit(row)) {
          return;
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * A column of a sealed chunk, which no writer touches any more, so it needs no lock. Its
   * buffers live until the chunk is released.
   */
  public FieldVector sealedVector(EventColumn column) {
    if (!sealed) {
      throw new IllegalStateException("direct column access needs a sealed chunk");
    }
    return vectors[column.ordinal()];
  }

  /** Receives rows; returns false to stop early. */
  @FunctionalInterface
  public interface RowVisitor {
    boolean visit(Row row);
  }

  /** A movable view of one row of the chunk. Valid only inside {@link #read}. */
  public final class Row implements EventRow {
    private int index;

    public int index() {
      return index;
    }

    @Override
    public boolean isNull(EventColumn column) {
      return vectors[column.ordinal()].isNull(index);
    }

    @Override
    public long getLong(EventColumn column) {
      return EventVectors.getLong(vectors[column.ordinal()], index);
    }

    @Override
    public byte[] getBytes(EventColumn column) {
      return ((VarCharVector) vectors[column.ordinal()]).get(index);
    }

    /** Compares in the vector's buffer, copying nothing. */
    @Override
    public boolean bytesEqual(EventColumn column, byte[] utf8) {
      return startsWith(column, utf8, true);
    }

    /** Compares in the vector's buffer, copying nothing. */
    @Override
    public boolean bytesStartWith(EventColumn column, byte[] prefix) {
      return startsWith(column, prefix, false);
    }

    private boolean startsWith(EventColumn column, byte[] utf8, boolean whole) {
      VarCharVector v = (VarCharVector) vectors[column.ordinal()];
      if (v.isNull(index)) {
        return false;
      }
      int start = v.getStartOffset(index);
      int length = v.getValueLength(index);
      return (whole ? length == utf8.length : length >= utf8.length)
          && ByteFunctionHelpers.compare(v.getDataBuffer(), start, start + utf8.length, utf8, 0, utf8.length) == 0;
    }
  }

  public void retain() {
    if (refs.getAndIncrement() <= 0) {
      throw new IllegalStateException("memtable chunk used after it was freed");
    }
  }

  public void release() {
    if (refs.decrementAndGet() == 0) {
      lock.writeLock().lock();
      try {
        for (FieldVector v : vectors) {
          v.close();
        }
      } finally {
        lock.writeLock().unlock();
      }
    }
  }
}
