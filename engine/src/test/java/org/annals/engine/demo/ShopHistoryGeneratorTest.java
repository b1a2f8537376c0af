package org.annals.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed and size give the same history, event for event: the example queries' expected
 * answers, the benchmarks and anyone comparing runs depend on it, so a faster generator must not
 * change a single field. The digest was taken from the generator as it stood before its speed work.
 */
class ShopHistoryGeneratorTest {
  private static final String DIGEST_OF_20_000 =
      "7bcc639ed34def2b65ac4d0dc3e95561e8c02843f77567cdc8a2a5b65de46f25";

  @Test
  void theSameSeedAndSizeGiveTheSameHistory(@TempDir Path dir) throws Exception {
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock).build())) {
      long written = new ShopHistoryGenerator(store, clock, 20_000, ShopHistoryGenerator.SEED).run(10_000);
      clock.release();
      List<StoredEvent> events = store.read(ScanSpec.builder().build());
      events.sort(Comparator.comparingLong(StoredEvent::globalSeq));
      assertEquals(written, events.size());
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (StoredEvent e : events) {
        sha.update((e.streamName() + '|' + e.seq() + '|' + e.globalSeq() + '|' + e.entityId() + '|'
            + e.version() + '|' + e.eventId() + '|' + e.eventType() + '|' + e.recordedAt() + '|'
            + e.payload() + '|' + e.metadata() + '\n').getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(DIGEST_OF_20_000, HexFormat.of().formatHex(sha.digest()));
    }
  }
}
