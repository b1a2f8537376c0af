package org.annals.storage.scan;

import java.util.ArrayList;
import java.util.List;
import org.annals.storage.arrow.EventVectors;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Fills one reusable Arrow batch with the wanted columns of matching rows. Not thread-safe.
 */
final class BatchBuilder implements AutoCloseable {
  /**
   * Rows the vectors first have room for; they grow as rows arrive. A lookup returns a handful of
   * rows, and allocating (and zeroing) room for a full batch of every column cost it more than
   * reading its pages.
   */
  private static final int INITIAL_ROWS = 64;

  private final List<EventColumn> columns;
  private final FieldVector[] vectors;
  private final VectorSchemaRoot root;
  private final int capacity;
  private int rows;

  BatchBuilder(List<EventColumn> columns, BufferAllocator allocator, int capacity) {
    this.columns = columns;
    this.capacity = capacity;
    this.vectors = new FieldVector[columns.size()];
    List<FieldVector> list = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      vectors[i] = EventVectors.newVector(columns.get(i), allocator);
      vectors[i].setInitialCapacity(Math.min(capacity, INITIAL_ROWS));
      vectors[i].allocateNew();
      list.add(vectors[i]);
    }
    this.root = new VectorSchemaRoot(list);
  }

  void add(EventRow row) {
    for (int i = 0; i < vectors.length; i++) {
      EventVectors.copy(row, columns.get(i), vectors[i], rows);
    }
    rows++;
  }

  boolean isFull() {
    return rows >= capacity;
  }

  int rows() {
    return rows;
  }

  /** Starts a new batch in the same vectors; the previous batch's contents become invalid. */
  void reset() {
    for (FieldVector v : vectors) {
      v.reset();
    }
    rows = 0;
  }

  /** Sets the row count of the batch built since the last reset. */
  void finish() {
    root.setRowCount(rows);
  }

  VectorSchemaRoot root() {
    return root;
  }

  @Override
  public void close() {
    root.close();
  }
}
