package org.annals.storage;

import static org.annals.storage.HistoryAssertions.eventFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.event.WrongExpectedVersionException;
import org.annals.storage.parquet.LocalHadoop;
import org.annals.storage.scan.ScanSpec;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasing an entity leaves no trace of its events in any file of the data folder, read raw:
 * Parquet rows and column statistics, WAL bytes, manifests. The entity starts again at version 0,
 * its event ids are new again, the erasure is recorded without naming it, and a second erasure
 * finds nothing.
 */
class ErasureTest {
  private static final String SECRET = "SECRET-a1b2c3";
  private static final String ENTITY = "customer-0042";

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-09-01T08:00:00Z"));

  private EventStore open() throws IOException {
    return EventStore.open(StoreOptions.builder(dir).clock(clock).backgroundFlush(false)
        .backgroundCompaction(false).build());
  }

  @Test
  void erasedEventsLeaveNoTraceInAnyFileAndTheEntityStartsAgain() throws Exception {
    UUID clientId = UUID.fromString("0b0b0b0b-0000-4000-8000-000000000042");
    List<StoredEvent> others;
    try (EventStore store = open()) {
      // The entity's events in two days' files, in the memtable and the WAL, with a client id.
      for (int day = 0; day < 2; day++) {
        store.append("customers", List.of(
            NewEvent.of("Registered", ENTITY, "{\"email\": \"" + SECRET + "@example.com\"}"),
            NewEvent.of("Registered", "customer-0041", "{\"email\": \"someone@example.com\"}"),
            NewEvent.of("Registered", "customer-0043", "{\"email\": \"other@example.com\"}")));
        store.flush();
        clock.set(clock.instant().plusSeconds(86_400));
      }
      store.append("customers", List.of(NewEvent.of("Moved", ENTITY, "{\"street\": \"" + SECRET + " road\"}")
          .withEventId(clientId)));
      store.append("customers", List.of(NewEvent.of("Solo", ENTITY, "{}")));
      others = store.read(ScanSpec.builder().stream("customers").build()).stream()
          .filter(e -> !ENTITY.equals(e.entityId())).toList();

      Erasure done = store.erase("customers", ENTITY, "dpo@example.com", "ticket-77");
      assertEquals(4, done.events());
      assertEquals(3, done.filesRewritten(), "two days' files and the one the erasure's flush wrote");
      assertEquals(0, done.filesAwaitingDeletion());

      assertEquals(List.of(), store.readEntity("customers", ENTITY));
      assertEquals(HistoryAssertions.sorted(others),
          HistoryAssertions.sorted(store.read(ScanSpec.builder().stream("customers").build())));
      assertNoTrace();

      // As if it had never existed: version 0 again, and its client event id is new again.
      AppendResult again = store.append("customers", List.of(NewEvent.of("Registered", ENTITY, "{}")
          .withExpectedVersion(ExpectedVersion.NO_EVENTS).withEventId(clientId)));
      assertFalse(again.duplicate());
      assertEquals(0, again.positions().get(0).version());

      List<StoredEvent> records = store.read(ScanSpec.builder().stream(EventStore.ERASURES_STREAM).build());
      assertEquals(1, records.size());
      StoredEvent record = records.get(0);
      assertEquals("EntityErased", record.eventType());
      assertNull(record.entityId());
      assertTrue(record.payload().contains("\"events\":4"), record.payload());
      assertTrue(record.payload().contains("\"requested_by\":\"dpo@example.com\""), record.payload());
      assertTrue(record.payload().contains("\"reference\":\"ticket-77\""), record.payload());
      assertFalse(record.payload().contains(ENTITY), record.payload());
    }
    try (EventStore store = open()) {
      assertEquals(1, store.readEntity("customers", ENTITY).size(), "only the event appended after the erasure");
      assertThrows(WrongExpectedVersionException.class, () -> store.append("customers",
          List.of(NewEvent.of("Again", ENTITY, "{}").withExpectedVersion(ExpectedVersion.exactly(4)))));
      // Idempotent: a second erasure takes out what is there now and no more.
      Erasure second = store.erase("customers", ENTITY, "dpo@example.com", "ticket-77");
      assertEquals(1, second.events());
      Erasure third = store.erase("customers", ENTITY, "dpo@example.com", "ticket-77");
      assertEquals(0, third.events());
      assertEquals(0, third.filesRewritten());
      assertEquals(3, store.read(ScanSpec.builder().stream(EventStore.ERASURES_STREAM).build()).size());
    }
    assertNoTrace();
  }

  @Test
  void aQueryRunningDuringTheErasureKeepsItsFilesUntilItEnds() throws Exception {
    try (EventStore store = open()) {
      store.append("customers", List.of(NewEvent.of("Registered", ENTITY, "{\"email\": \"" + SECRET + "\"}"),
          NewEvent.of("Registered", "customer-9", "{}")));
      store.flush();
      Erasure done;
      try (var running = store.snapshot()) {
        done = store.erase("customers", ENTITY, "ops", null);
        assertEquals(1, done.filesAwaitingDeletion(), "the running query still reads the old file");
        assertEquals(2, StoredEvents.readAll(running, ScanSpec.all()).size());
      }
      store.flush();
      store.append("customers", List.of(NewEvent.of("Later", "customer-9", "{}")));
      store.flush();
      assertEquals(0, store.status().replacedFiles());
      assertNoTrace();
    }
  }

  /** Reads every file of the data folder raw and finds neither the entity id nor its payloads. */
  private void assertNoTrace() throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.filter(Files::isRegularFile).toList();
    }
    for (Path f : all) {
      String name = f.getFileName().toString();
      if (name.endsWith(".parquet")) {
        assertParquetHasNoTrace(f);
      } else {
        String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(raw.contains(SECRET), f + " holds an erased payload");
        assertFalse(raw.contains(ENTITY), f + " names the erased entity");
      }
    }
    assertTrue(eventFiles(dir).size() > 0);
  }

  private static void assertParquetHasNoTrace(Path file) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path)
        .withConf(LocalHadoop.configuration()).build()) {
      for (Group row = reader.read(); row != null; row = reader.read()) {
        assertFalse(row.toString().contains(SECRET), file + " holds an erased payload: " + row);
        assertFalse(row.toString().contains(ENTITY), file + " holds an erased entity's row: " + row);
      }
    }
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, LocalHadoop.configuration()))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          String stats = String.valueOf(column.getStatistics());
          assertFalse(stats.contains(ENTITY), file + " names the erased entity in its statistics: " + stats);
        }
      }
    }
  }
}
