package org.annals.storage.scan;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.annals.storage.fs.Closeables;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * Open input streams of committed files that no reader holds right now, kept for the next reader
 * of the same file. Opening and closing a Hadoop local stream costs more than an entity lookup's
 * whole read of a small file: a profile of lookups showed a fifth of their time in
 * {@code open}, and in {@code close} aggregating I/O statistics through a parallel stream. At
 * most {@code max} streams are kept across all files, the one returned longest ago closed first,
 * so the open file descriptors stay bounded however many files a store has. Whatever deletes a
 * committed file closes its kept streams ({@link #discard}) too, or its space would stay
 * allocated until they aged out. Thread-safe.
 */
final class StreamPool implements AutoCloseable {
  private final int max;
  private final Map<String, ArrayDeque<Idle>> byFile = new HashMap<>();
  /** Every idle stream, the one returned longest ago first. */
  private final LinkedHashMap<Idle, Boolean> byAge = new LinkedHashMap<>();
  private boolean closed;

  private record Idle(String file, FSDataInputStream stream) {}

  StreamPool(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("a stream pool cannot hold a negative number of streams: " + max);
    }
    this.max = max;
  }

  /** An idle stream of the file, now the caller's, or null if none is kept. */
  synchronized FSDataInputStream take(String file) {
    ArrayDeque<Idle> idle = byFile.get(file);
    if (idle == null) {
      return null;
    }
    Idle taken = idle.pollLast();
    if (idle.isEmpty()) {
      byFile.remove(file);
    }
    byAge.remove(taken);
    return taken.stream;
  }

  /** Keeps a stream the caller is done with, closing it or the oldest one if the pool is full. */
  void giveBack(String file, FSDataInputStream stream) throws IOException {
    FSDataInputStream evicted;
    synchronized (this) {
      if (closed || max == 0) {
        evicted = stream;
      } else {
        Idle idle = new Idle(file, stream);
        byFile.computeIfAbsent(file, f -> new ArrayDeque<>()).addLast(idle);
        byAge.put(idle, Boolean.TRUE);
        evicted = byAge.size() > max ? remove(byAge.keySet().iterator().next()) : null;
      }
    }
    if (evicted != null) {
      evicted.close();
    }
  }

  /** Closes the kept streams of a file about to be deleted. */
  void discard(String file) throws IOException {
    List<FSDataInputStream> streams = new ArrayList<>();
    synchronized (this) {
      ArrayDeque<Idle> idle = byFile.remove(file);
      if (idle != null) {
        for (Idle i : idle) {
          byAge.remove(i);
          streams.add(i.stream);
        }
      }
    }
    Closeables.closeAll(streams);
  }

  /** How many streams are kept. */
  synchronized int size() {
    return byAge.size();
  }

  private FSDataInputStream remove(Idle idle) {
    byAge.remove(idle);
    ArrayDeque<Idle> sameFile = byFile.get(idle.file);
    sameFile.remove(idle);
    if (sameFile.isEmpty()) {
      byFile.remove(idle.file);
    }
    return idle.stream;
  }

  @Override
  public void close() throws IOException {
    List<FSDataInputStream> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Iterator<Idle> it = byAge.keySet().iterator(); it.hasNext(); ) {
        all.add(it.next().stream);
        it.remove();
      }
      byFile.clear();
    }
    Closeables.closeAll(all);
  }

}
