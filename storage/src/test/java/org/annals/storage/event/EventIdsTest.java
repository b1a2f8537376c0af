package org.annals.storage.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  @Test
  void writesTheTextUuidToStringGives() {
    Random random = new Random(3);
    byte[] into = new byte[EventIds.TEXT_BYTES + 4];
    for (int i = 0; i < 10_000; i++) {
      UUID id = switch (i) {
        case 0 -> new UUID(0, 0);
        case 1 -> new UUID(-1, -1);
        case 2 -> EventIds.newId(1_700_000_000_000L);
        default -> new UUID(random.nextLong(), random.nextLong());
      };
      EventIds.writeText(id, into);
      assertEquals(id.toString(), new String(into, 0, EventIds.TEXT_BYTES, StandardCharsets.US_ASCII));
      assertEquals(id, EventIds.readText(into, 0), "read back as written");
    }
  }

  @Test
  void readsOnlyAUuidsText() {
    byte[] upper = "0189ABCD-0000-7000-8000-00000000FFFF".getBytes(StandardCharsets.US_ASCII);
    assertEquals(UUID.fromString("0189abcd-0000-7000-8000-00000000ffff"), EventIds.readText(upper, 0));
    byte[] noDash = "0189abcd00000-7000-8000-00000000ffff".getBytes(StandardCharsets.US_ASCII);
    assertThrows(IllegalArgumentException.class, () -> EventIds.readText(noDash, 0));
    byte[] notHex = "0189abcd-0000-7000-8000-00000000fffg".getBytes(StandardCharsets.US_ASCII);
    assertThrows(IllegalArgumentException.class, () -> EventIds.readText(notHex, 0));
  }

  @Test
  void makesTimeOrderedVersion7Ids() {
    UUID id = EventIds.newId(0x0123_4567_89abL);
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    assertEquals(0x0123_4567_89abL, id.getMostSignificantBits() >>> 16);
  }
}
