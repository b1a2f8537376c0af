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

  /** Reads an id's text as {@link #writeText} writes it, from {@code text[at]} on. */
  public static UUID readText(byte[] text, int at) {
    if (text[at + 8] != '-' || text[at + 13] != '-' || text[at + 18] != '-' || text[at + 23] != '-') {
      throw new IllegalArgumentException("not a UUID's text: " + new String(text, at, TEXT_BYTES,
          StandardCharsets.US_ASCII));
    }
    long high = unhex(text, at, 8) << 32 | unhex(text, at + 9, 4) << 16 | unhex(text, at + 14, 4);
    long low = unhex(text, at + 19, 4) << 48 | unhex(text, at + 24, 12);
    return new UUID(high, low);
  }

  private static long unhex(byte[] text, int at, int digits) {
    long value = 0;
    for (int i = at; i < at + digits; i++) {
      int digit = Character.digit(text[i], 16);
      if (digit < 0) {
        throw new IllegalArgumentException("not a UUID's text: " + new String(text, at, digits,
            StandardCharsets.US_ASCII));
      }
      value = value << 4 | digit;
    }
    return value;
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
