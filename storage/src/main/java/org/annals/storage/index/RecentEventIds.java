package org.annals.storage.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.annals.storage.event.EventPosition;

/**
 * The event ids stored recently, with where each event landed, so that a retried append is
 * answered with the original positions instead of stored twice. An id is remembered for
 * {@code windowMillis} after its recorded_at, and at most {@code maxEntries} ids are kept (the
 * oldest are forgotten first). Entries are added in recorded_at order (which is global_seq order:
 * recorded_at never goes back). Not thread-safe: the append sequencer guards it.
 *
 * <p>The window holds up to a million entries that each live a few seconds under load: as objects
 * they would be copied by every young collection and then promoted to die in the old generation.
 * So the entries live in a ring of primitive arrays (about 80 bytes each, with the table), oldest
 * first, found through an open-addressing table with linear probing. A slot holds an id's hash
 * beside its ring position, so that probing past other ids reads only the table.
 */
public final class RecentEventIds {
  private static final int FIRST_CAPACITY = 1024;
  /** The recorded_at of a forgotten entry: older than any window, so it is the first to go. */
  private static final long FORGOTTEN = Long.MIN_VALUE;

  private final long windowMillis;
  private final int maxEntries;

  /** Both halves of each id side by side: {@code 2 * position} and {@code 2 * position + 1}. */
  private long[] ids = new long[0];
  private long[] seqs = new long[0];
  /** -1 for an event about no entity. */
  private long[] versions = new long[0];
  private long[] globalSeqs = new long[0];
  private long[] recordedAts = new long[0];
  private int[] streams = new int[0];
  private int head;
  private int count;

  /** Per slot: the id's hash in the high half, ring position plus one in the low; 0 is empty. */
  private long[] table = new long[0];
  /**
   * While true, ids go into the ring alone, and the table is built once at the end
   * ({@link #indexAll}): a recovery replays millions of ids of which only the newest
   * {@code maxEntries} stay, and indexing each one, then evicting it, was 40% of a replay's time.
   */
  private boolean deferred;

  private final List<String> streamNames = new ArrayList<>();
  private final Map<String, Integer> streamNumbers = new HashMap<>();

  public RecentEventIds(long windowMillis, int maxEntries) {
    this.windowMillis = windowMillis;
    this.maxEntries = maxEntries;
  }

  /** The original position of an event id still within the window, or null. */
  public EventPosition find(UUID eventId, long nowMillis) {
    if (count == 0) {
      return null;
    }
    long high = eventId.getMostSignificantBits();
    long low = eventId.getLeastSignificantBits();
    int slot = slotOf(high, low, hash(high, low));
    if (table[slot] == 0) {
      return null;
    }
    int at = position(table[slot]);
    if (recordedAts[at] < nowMillis - windowMillis) {
      return null;
    }
    long version = versions[at];
    return new EventPosition(streamNames.get(streams[at]), seqs[at], version < 0 ? null : version,
        globalSeqs[at], eventId, recordedAts[at]);
  }

  /**
   * Forgets an event id (its event was erased): a batch that repeats it is then new. Its ring
   * entry stays until it ages out, marked {@link #FORGOTTEN} so that no lookup and no rebuild of
   * the table finds it again.
   */
  public void forget(UUID eventId) {
    if (count == 0) {
      return;
    }
    long high = eventId.getMostSignificantBits();
    long low = eventId.getLeastSignificantBits();
    int slot = slotOf(high, low, hash(high, low));
    if (table[slot] != 0) {
      recordedAts[position(table[slot])] = FORGOTTEN;
      removeSlot(slot);
    }
  }

  /** Adds ids without indexing them until {@link #indexAll}; {@link #find} must wait till then. */
  public void deferIndexing() {
    deferred = true;
  }

  /** Indexes the ids added since {@link #deferIndexing}, once. */
  public void indexAll() {
    deferred = false;
    rebuildTable();
  }

  public void add(EventPosition position, long nowMillis) {
    if (maxEntries == 0) {
      return;
    }
    long cutoff = nowMillis - windowMillis;
    while (count > 0 && recordedAts[head] < cutoff) {
      removeOldest();
    }
    if (count == capacity()) {
      if (capacity() < maxEntries) {
        grow();
      } else {
        removeOldest();
      }
    }
    int at = (head + count) % capacity();
    long high = position.eventId().getMostSignificantBits();
    long low = position.eventId().getLeastSignificantBits();
    ids[2 * at] = high;
    ids[2 * at + 1] = low;
    seqs[at] = position.seq();
    versions[at] = position.version() == null ? -1 : position.version();
    globalSeqs[at] = position.globalSeq();
    recordedAts[at] = position.recordedAt();
    streams[at] = streamNumbers.computeIfAbsent(position.streamName(), name -> {
      streamNames.add(name);
      return streamNames.size() - 1;
    });
    count++;
    if (deferred) {
      return;
    }
    // A repeated id (possible only once its first entry has left the window) now means the newest.
    int hash = hash(high, low);
    table[slotOf(high, low, hash)] = entry(hash, at);
  }

  private int capacity() {
    return seqs.length;
  }

  private static long entry(int hash, int position) {
    return (long) hash << 32 | (position + 1);
  }

  private static int position(long entry) {
    return (int) entry - 1;
  }

  /** The slot holding the id, or the empty slot where it belongs. */
  private int slotOf(long high, long low, int hash) {
    int mask = table.length - 1;
    for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
      long entry = table[slot];
      if (entry == 0 || ((int) (entry >>> 32) == hash
          && ids[2 * position(entry)] == high && ids[2 * position(entry) + 1] == low)) {
        return slot;
      }
    }
  }

  private void removeOldest() {
    if (!deferred) {
      int slot = slotOf(ids[2 * head], ids[2 * head + 1], hash(ids[2 * head], ids[2 * head + 1]));
      // The slot may name a newer entry with the same id; then this one is no longer indexed.
      if (position(table[slot]) == head) {
        removeSlot(slot);
      }
    }
    head = (head + 1) % capacity();
    count--;
  }

  /** Empties a slot and shifts later entries of its probe run back, so no lookup stops early. */
  private void removeSlot(int slot) {
    int mask = table.length - 1;
    int hole = slot;
    for (int next = (hole + 1) & mask; table[next] != 0; next = (next + 1) & mask) {
      int home = (int) (table[next] >>> 32) & mask;
      // The entry may fill the hole only if the hole lies on its way from home to where it is.
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        table[hole] = table[next];
        hole = next;
      }
    }
    table[hole] = 0;
  }

  /** Doubles the ring (up to the limit), oldest entry first again, and rebuilds the table. */
  private void grow() {
    int capacity = (int) Math.min(maxEntries, Math.max(FIRST_CAPACITY, 2L * capacity()));
    long[] oldIds = ids;
    ids = new long[2 * capacity];
    for (int i = 0; i < count; i++) {
      int from = (head + i) % (oldIds.length / 2);
      ids[2 * i] = oldIds[2 * from];
      ids[2 * i + 1] = oldIds[2 * from + 1];
    }
    seqs = unrolled(seqs, capacity);
    versions = unrolled(versions, capacity);
    globalSeqs = unrolled(globalSeqs, capacity);
    recordedAts = unrolled(recordedAts, capacity);
    int[] oldStreams = streams;
    streams = new int[capacity];
    for (int i = 0; i < count; i++) {
      streams[i] = oldStreams[(head + i) % oldStreams.length];
    }
    head = 0;
    table = new long[Integer.highestOneBit(Math.max(1, capacity - 1)) * 4];
    if (!deferred) {
      rebuildTable();
    }
  }

  /** Indexes every entry of the ring, oldest first, so that a repeated id means its newest entry. */
  private void rebuildTable() {
    Arrays.fill(table, 0);
    int capacity = capacity();
    for (int i = 0; i < count; i++) {
      int at = (head + i) % capacity;
      if (recordedAts[at] == FORGOTTEN) {
        continue;
      }
      int hash = hash(ids[2 * at], ids[2 * at + 1]);
      table[slotOf(ids[2 * at], ids[2 * at + 1], hash)] = entry(hash, at);
    }
  }

  private long[] unrolled(long[] ring, int capacity) {
    long[] grown = new long[capacity];
    for (int i = 0; i < count; i++) {
      grown[i] = ring[(head + i) % ring.length];
    }
    return grown;
  }

  private static int hash(long high, long low) {
    return (int) SeededHash.of(high, low);
  }
}
