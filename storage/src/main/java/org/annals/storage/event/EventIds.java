package org.annals.storage.event;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes event ids for events that arrive without one: version 7 UUIDs (RFC 9562), a millisecond
 * timestamp followed by 74 random bits. Time-ordered ids keep Parquet dictionaries and sorted
 * statistics tidy, and ThreadLocalRandom avoids SecureRandom's lock on the append path.
 */
public final class EventIds {
  private EventIds() {}

  public static UUID newId(long nowMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (nowMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
