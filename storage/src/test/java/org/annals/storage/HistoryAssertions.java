package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.manifest.ManifestStore;
import org.annals.storage.scan.Snapshot;

/** What a recovered store must hold, whatever crash or kill came before; and what tests compare. */
final class HistoryAssertions {
  private HistoryAssertions() {}

  /** Events in global_seq order, so that reads in no particular order can be compared. */
  static List<StoredEvent> sorted(List<StoredEvent> events) {
    return events.stream().sorted(Comparator.comparingLong(StoredEvent::globalSeq)).toList();
  }

  /** Every regular file under a data folder's events/ folder (Parquet, temporary or other), sorted. */
  static List<Path> eventFiles(Path dataFolder) throws IOException {
    try (Stream<Path> walk = Files.walk(dataFolder.resolve("events"))) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** How many files the store's manifest lists per UTC day. */
  static Map<String, Integer> filesPerDay(EventStore store) throws IOException {
    Map<String, Integer> days = new TreeMap<>();
    try (Snapshot s = store.snapshot()) {
      for (DataFile f : s.manifest().files()) {
        days.merge(f.date(), 1, Integer::sum);
      }
    }
    return days;
  }

  /**
   * Asserts that only committed files remain: every file under events/ is a Parquet file the
   * newest manifest lists, and manifest/ holds only published manifests, no temporary files.
   */
  static void assertOnlyListedFiles(Path data) throws IOException {
    Set<String> listed = new HashSet<>();
    for (DataFile f : new ManifestStore(data.resolve("manifest")).loadNewest().files()) {
      listed.add(f.path());
    }
    for (Path f : eventFiles(data)) {
      String relative = data.relativize(f).toString().replace('\\', '/');
      assertTrue(listed.contains(relative), "stray file " + relative + "; the manifest lists " + listed);
    }
    try (Stream<Path> files = Files.list(data.resolve("manifest"))) {
      for (Path f : files.toList()) {
        assertTrue(f.getFileName().toString().matches("\\d{20}\\.json"), "stray file " + f);
      }
    }
  }

  /**
   * Asserts that every file a kept manifest lists is on disk, the older one included: an open
   * that falls back from a damaged newest manifest finds its files.
   */
  static void assertKeptManifestsWhole(Path data) throws IOException {
    for (String listed : new ManifestStore(data.resolve("manifest")).filesListedBefore(Long.MAX_VALUE)) {
      assertTrue(Files.exists(data.resolve(listed)), "a kept manifest lists " + listed + ", which is gone");
    }
  }

  /**
   * Asserts that every acknowledged event is stored exactly once at the positions it was
   * acknowledged with, and that the history has no gaps: global_seq is 0..N-1, each stream's seq
   * is 0..n-1 and each entity's version is 0..k-1, all increasing in global_seq order.
   */
  static void assertHistory(List<StoredEvent> events, Collection<AckLine> acknowledged) {
    Map<UUID, StoredEvent> byId = new HashMap<>();
    for (StoredEvent e : events) {
      StoredEvent earlier = byId.put(e.eventId(), e);
      assertNull(earlier, () -> "event " + e.eventId() + " is stored twice: " + earlier + " and " + e);
    }
    List<StoredEvent> inOrder = sorted(events);
    Map<String, Long> nextSeq = new HashMap<>();
    Map<String, Long> nextVersion = new HashMap<>();
    for (int i = 0; i < inOrder.size(); i++) {
      StoredEvent e = inOrder.get(i);
      assertEquals(i, e.globalSeq(), "global_seq must be dense; found " + e);
      long seq = nextSeq.merge(e.streamName(), 1L, Long::sum) - 1;
      assertEquals(seq, e.seq(), "seq must be dense in stream '" + e.streamName() + "'; found " + e);
      if (e.entityId() == null) {
        assertNull(e.version(), "an event without entity has no version: " + e);
      } else {
        long version = nextVersion.merge(e.streamName() + "/" + e.entityId(), 1L, Long::sum) - 1;
        assertEquals(Long.valueOf(version), e.version(), "versions must be dense for entity '" + e.entityId()
            + "' in stream '" + e.streamName() + "'; found " + e);
      }
    }
    for (AckLine ack : acknowledged) {
      StoredEvent stored = byId.get(ack.eventId());
      assertNotNull(stored, () -> "acknowledged event is missing: " + ack.format());
      assertEquals(ack, AckLine.of(stored), "acknowledged event stored at other positions");
    }
  }
}
