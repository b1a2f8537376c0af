package org.annals.storage.event;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes event ids for events that arrive without one: version 7 UUIDs (RFC 9562), a millisecond
 * timestamp followed by 74 random bits. Time-ordered ids keep Parquet dictionaries and sorted
 * statistics tidy, and ThreadLocalRandom avoids SecureRandom's lock on the append path.
 */
public final class EventIds {
  /** The length of an id's text. */
  public static final int TEXT_BYTES = 36;
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private EventIds() {}

  /**
   * Writes the id's text, as {@link UUID#toString()} gives it, as ASCII into the start of
   * {@code into}: the memtable stores every event's id this way, and a String per event only to
   * encode it again was a tenth of the log writer's time.
   */
  public static void writeText(UUID id, byte[] into) {
    long high = id.getMostSignificantBits();
    long low = id.getLeastSignificantBits();
    hex(high >>> 32, 8, into, 0);
    into[8] = '-';
    hex(high >>> 16, 4, into, 9);
    into[13] = '-';
    hex(high, 4, into, 14);
    into[18] = '-';
    hex(low >>> 48, 4, into, 19);
    into[23] = '-';
    hex(low, 12, into, 24);
  }

  /** The lowest {@code digits} hex digits of a value, most significant first. */
  private static void hex(long value, int digits, byte[] into, int at) {
    for (int i = digits - 1; i >= 0; i--) {
      into[at + i] = HEX_DIGITS[(int) value & 0xf];
      value >>>= 4;
    }
  }

  public static UUID newId(long nowMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (nowMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
