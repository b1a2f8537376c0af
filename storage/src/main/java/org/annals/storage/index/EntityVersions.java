package org.annals.storage.index;

import java.util.Arrays;

/**
 * Each entity's last version in one stream, keyed by the entity id's UTF-8 bytes.
 *
 * <p>A store holds millions of entities and keeps this map for its whole life, so it is built
 * from a few flat arrays instead of an object per entity: a garbage collector copies and traces a
 * {@code HashMap<String, Long>} of that size again and again, while it skips primitive arrays.
 * Ids are appended, each after a two-byte length, to pages of up to 1 MiB (the first page starts
 * small and grows, since most streams are small). An open-addressing table with linear probing
 * keeps two longs per slot side by side, so that a lookup usually touches one cache line of the
 * table and one of the pages: the id's hash tag and where it starts, then the version. An entity
 * removed (its events all expired or erased) frees its slot; its id's bytes stay in the pages
 * until the store reopens. Not thread-safe.
 */
final class EntityVersions {
  private static final int PAGE_BITS = 20;
  private static final int PAGE_BYTES = 1 << PAGE_BITS;
  private static final int FIRST_PAGE_BYTES = 4096;
  /** Ids are at most 256 characters, so at most 1,024 UTF-8 bytes: a two-byte length is enough. */
  private static final int MAX_ID_BYTES = 0xffff;
  /** A slot's key: the hash's top 24 bits as a tag, then where the id starts plus one in 40 bits. */
  private static final int LOCATION_BITS = 40;
  private static final long LOCATION_MASK = (1L << LOCATION_BITS) - 1;
  /** Slots beyond this would not fit a Java array of two longs per slot. */
  private static final int MAX_SLOTS = 1 << 29;

  private byte[][] pages = new byte[1][];
  private int pageCount;
  private int pageFill;
  /** Per slot: key at {@code 2 * slot} (0 for an empty slot), version at {@code 2 * slot + 1}. */
  private long[] slots = new long[2 * 16];
  private int size;

  /** The entity's last version, or -1 when it has none. */
  long get(byte[] id) {
    int slot = find(id, hash(id));
    return slots[2 * slot] == 0 ? -1 : slots[2 * slot + 1];
  }

  /** Records a version; a lower version than the one known changes nothing. */
  void recordMax(byte[] id, long version) {
    long hash = hash(id);
    int slot = find(id, hash);
    if (slots[2 * slot] != 0) {
      slots[2 * slot + 1] = Math.max(slots[2 * slot + 1], version);
      return;
    }
    insert(slot, hash, id, version);
  }

  /**
   * Records every entity's version of another index, as {@link #recordMax} does one, and leaves
   * {@code other} unusable: the larger of the two keeps its tables and takes in the smaller's
   * entities, which spares a recovery copying millions of entities into an index of a few.
   */
  void absorb(EntityVersions other) {
    if (size < other.size) {
      byte[][] myPages = pages;
      int myPageCount = pageCount;
      int myPageFill = pageFill;
      long[] mySlots = slots;
      int mySize = size;
      pages = other.pages;
      pageCount = other.pageCount;
      pageFill = other.pageFill;
      slots = other.slots;
      size = other.size;
      other.pages = myPages;
      other.pageCount = myPageCount;
      other.pageFill = myPageFill;
      other.slots = mySlots;
      other.size = mySize;
    }
    for (int i = 0; i < other.slots.length; i += 2) {
      long key = other.slots[i];
      if (key != 0) {
        long location = (key & LOCATION_MASK) - 1;
        byte[] page = other.pages[(int) (location >>> PAGE_BITS)];
        int offset = (int) (location & (PAGE_BYTES - 1));
        recordMax(Arrays.copyOfRange(page, offset + 2, offset + 2 + length(page, offset)), other.slots[i + 1]);
      }
    }
    other.pages = null;
    other.slots = null;
  }

  /** Records one more version of the entity and returns it: 0 for an entity not seen before. */
  long increment(byte[] id) {
    long hash = hash(id);
    int slot = find(id, hash);
    if (slots[2 * slot] != 0) {
      return ++slots[2 * slot + 1];
    }
    insert(slot, hash, id, 0);
    return 0;
  }

  int size() {
    return size;
  }

  /**
   * Removes the entity if its last version is {@code version}, and says whether it did: an entity
   * with a later event keeps its versions.
   */
  boolean removeIfLast(byte[] id, long version) {
    int slot = find(id, hash(id));
    if (slots[2 * slot] == 0 || slots[2 * slot + 1] != version) {
      return false;
    }
    // Backward-shift deletion: move later entries of the probe run into the gap, so that every
    // entry stays reachable from its home slot without tombstones.
    int mask = capacity() - 1;
    int gap = slot;
    for (int next = (gap + 1) & mask; slots[2 * next] != 0; next = (next + 1) & mask) {
      int home = (int) homeHash(slots[2 * next]) & mask;
      boolean movable = gap <= next ? home <= gap || home > next : home <= gap && home > next;
      if (movable) {
        slots[2 * gap] = slots[2 * next];
        slots[2 * gap + 1] = slots[2 * next + 1];
        gap = next;
      }
    }
    slots[2 * gap] = 0;
    slots[2 * gap + 1] = 0;
    size--;
    return true;
  }

  /** The full hash of a stored key's id, read back from its page. */
  private long homeHash(long key) {
    long location = (key & LOCATION_MASK) - 1;
    byte[] page = pages[(int) (location >>> PAGE_BITS)];
    int offset = (int) (location & (PAGE_BYTES - 1));
    return SeededHash.of(page, offset + 2, offset + 2 + length(page, offset));
  }

  /** The slot that holds the id, or the empty slot where it belongs. */
  private int find(byte[] id, long hash) {
    int mask = capacity() - 1;
    long tag = tag(hash);
    for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
      long key = slots[2 * slot];
      if (key == 0 || ((key & ~LOCATION_MASK) == tag && sameId((key & LOCATION_MASK) - 1, id))) {
        return slot;
      }
    }
  }

  private void insert(int slot, long hash, byte[] id, long version) {
    slots[2 * slot] = tag(hash) | (store(id) + 1);
    slots[2 * slot + 1] = version;
    if (++size > capacity() / 2) {
      grow();
    }
  }

  private boolean sameId(long location, byte[] id) {
    byte[] page = pages[(int) (location >>> PAGE_BITS)];
    int offset = (int) (location & (PAGE_BYTES - 1));
    int length = length(page, offset);
    return length == id.length
        && Arrays.equals(page, offset + 2, offset + 2 + length, id, 0, id.length);
  }

  /** Appends an id to the pages and returns where it starts. */
  private long store(byte[] id) {
    if (id.length > MAX_ID_BYTES) {
      throw new IllegalArgumentException("an entity id of " + id.length + " bytes is longer than the"
          + " index holds (" + MAX_ID_BYTES + ")");
    }
    int needed = id.length + 2;
    if (pageCount == 0 || pageFill + needed > PAGE_BYTES) {
      if (pageCount == pages.length) {
        pages = Arrays.copyOf(pages, pageCount * 2);
      }
      byte[] fresh = new byte[pageCount == 0 ? FIRST_PAGE_BYTES : PAGE_BYTES];
      pages[pageCount++] = fresh;
      pageFill = 0;
    }
    byte[] page = pages[pageCount - 1];
    if (pageFill + needed > page.length) {
      // Only the last page grows, so the locations of ids already stored stay valid.
      page = Arrays.copyOf(page, Math.min(PAGE_BYTES, Math.max(2 * page.length, pageFill + needed)));
      pages[pageCount - 1] = page;
    }
    page[pageFill] = (byte) (id.length >>> 8);
    page[pageFill + 1] = (byte) id.length;
    System.arraycopy(id, 0, page, pageFill + 2, id.length);
    long location = (long) (pageCount - 1) << PAGE_BITS | pageFill;
    pageFill += needed;
    return location;
  }

  private int capacity() {
    return slots.length / 2;
  }

  /** Doubles the table; each id's hash is computed again from its page, as keys keep only a tag. */
  private void grow() {
    if (capacity() >= MAX_SLOTS) {
      throw new IllegalStateException("a stream's version index is full at " + size
          + " entities; spread the entities over more streams");
    }
    long[] old = slots;
    slots = new long[old.length * 2];
    int mask = capacity() - 1;
    for (int i = 0; i < old.length; i += 2) {
      long key = old[i];
      if (key != 0) {
        int slot = (int) homeHash(key) & mask;
        while (slots[2 * slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[2 * slot] = key;
        slots[2 * slot + 1] = old[i + 1];
      }
    }
  }

  /** The hash's top 24 bits; the table position comes from its low bits, so the two differ. */
  private static long tag(long hash) {
    return hash >>> LOCATION_BITS << LOCATION_BITS;
  }

  private static int length(byte[] page, int offset) {
    return (page[offset] & 0xff) << 8 | (page[offset + 1] & 0xff);
  }

  private static long hash(byte[] id) {
    return SeededHash.of(id, 0, id.length);
  }
}
