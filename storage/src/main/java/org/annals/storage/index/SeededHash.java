package org.annals.storage.index;

import it.unimi.dsi.fastutil.HashCommon;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * A 64-bit hash for the store's open-addressing tables, keyed with a random seed drawn once per
 * process. Clients choose entity ids and event ids, so with an unseeded hash one client could send
 * ids that all land in one probe run and make every append behind the sequencer lock crawl; with a
 * seed nobody outside the process can tell which ids collide. The mixing is murmur3's (eight bytes
 * at a time, then its finalizer from fastutil), so every input bit reaches the low bits a table
 * indexes by.
 */
public final class SeededHash {
  private static final long SEED = new SecureRandom().nextLong();
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private SeededHash() {}

  /** The hash of {@code bytes[from, to)}. */
  public static long of(byte[] bytes, int from, int to) {
    long h = SEED ^ (to - from);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = round(h, (long) LONGS.get(bytes, i));
    }
    long tail = 0;
    for (int shift = 0; i < to; i++, shift += 8) {
      tail |= (bytes[i] & 0xffL) << shift;
    }
    return HashCommon.murmurHash3(round(h, tail));
  }

  /** The hash of two longs, such as a UUID's halves; order matters. */
  static long of(long first, long second) {
    return HashCommon.murmurHash3(round(round(SEED, first), second));
  }

  private static long round(long h, long k) {
    k *= C1;
    k = Long.rotateLeft(k, 31);
    k *= C2;
    h ^= k;
    h = Long.rotateLeft(h, 27);
    return h * 5 + 0x52dce729;
  }
}
