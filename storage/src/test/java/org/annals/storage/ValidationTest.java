package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.annals.storage.event.AppendRejectedException;
import org.annals.storage.event.EventTooLargeException;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.InvalidEventException;
import org.annals.storage.event.NewEvent;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every validation rule refuses with a message that says what is wrong, and stores nothing. */
class ValidationTest {
  @TempDir Path dir;
  private EventStore store;

  @BeforeEach
  void open() throws Exception {
    store = EventStore.open(StoreOptions.builder(dir).backgroundFlush(false)
        .maxEventBytes(1000).maxBatchEvents(5).maxBatchBytes(3000).build());
    store.append("kept", List.of(NewEvent.of("Kept", "k", "{}")));
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", "../etc", "a/b", "a\\b", "-leading", "_leading", ".hidden",
      "has space", "nul\u0000byte", "ümlaut", "semi;colon"})
  void badStreamNamesAreRefusedBeforeTouchingTheFileSystem(String name) throws Exception {
    InvalidEventException e = assertThrows(InvalidEventException.class,
        () -> store.append(name, List.of(NewEvent.of("T", null, "{}"))));
    assertTrue(e.getMessage().contains("invalid stream name"), e.getMessage());
    assertTrue(e.getMessage().contains("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}"), e.getMessage());
    assertNothingElseStored();
  }

  @Test
  void streamNameLengthLimit() throws Exception {
    String ok = "s" + "x".repeat(127);
    List<String> before = store.streams();
    store.append(ok, List.of(NewEvent.of("T", null, "{}")));
    assertTrue(store.streams().contains(ok), "a 128-character name is allowed");
    InvalidEventException e = assertThrows(InvalidEventException.class,
        () -> store.append(ok + "x", List.of(NewEvent.of("T", null, "{}"))));
    assertMessage(e, "invalid stream name");
    assertEquals(before.size() + 1, store.streams().size(), "the refused stream was not created");
  }

  @Test
  void payloadMustBeAJsonObject() throws Exception {
    expect(InvalidEventException.class, "payload is not valid JSON", NewEvent.of("T", null, "{\"a\":"));
    expect(InvalidEventException.class, "payload must be a JSON object", NewEvent.of("T", null, "[1,2]"));
    expect(InvalidEventException.class, "payload must be a JSON object", NewEvent.of("T", null, "42"));
    expect(InvalidEventException.class, "more text after the object", NewEvent.of("T", null, "{} {}"));
    expect(InvalidEventException.class, "payload is missing", NewEvent.of("T", null, null));
    expect(InvalidEventException.class, "metadata must be a JSON object",
        NewEvent.of("T", null, "{}").withMetadata("\"text\""));
    expect(InvalidEventException.class, "not valid Unicode",
        NewEvent.of("T", null, "{\"a\":\"\uD800\"}"));
  }

  @Test
  void eventTypeAndEntityIdLengths() throws Exception {
    expect(InvalidEventException.class, "event_type is empty", NewEvent.of("", null, "{}"));
    expect(InvalidEventException.class, "1 to 256 characters", NewEvent.of("x".repeat(257), null, "{}"));
    expect(InvalidEventException.class, "event_type is missing", NewEvent.of(null, null, "{}"));
    expect(InvalidEventException.class, "entity_id is empty", NewEvent.of("T", "", "{}"));
    expect(InvalidEventException.class, "needs an entity_id",
        NewEvent.of("T", null, "{}").withExpectedVersion(ExpectedVersion.exactly(0)));
  }

  @Test
  void sizeLimits() throws Exception {
    String big = "{\"a\":\"" + "x".repeat(1000) + "\"}";
    expect(EventTooLargeException.class, "at most 1000 bytes", NewEvent.of("T", null, big));
    List<NewEvent> six = Collections.nCopies(6, NewEvent.of("T", null, "{}"));
    assertMessage(assertThrows(EventTooLargeException.class, () -> store.append("s", six)),
        "at most 5 events");
    String medium = "{\"a\":\"" + "x".repeat(900) + "\"}";
    List<NewEvent> heavy = Collections.nCopies(4, NewEvent.of("T", null, medium));
    assertMessage(assertThrows(EventTooLargeException.class, () -> store.append("s", heavy)),
        "larger than 3000 bytes");
    assertMessage(assertThrows(InvalidEventException.class, () -> store.append("s", List.of())),
        "at least one event");
    assertNothingElseStored();
  }

  @Test
  void oneBadEventRejectsTheWholeBatch() throws Exception {
    List<NewEvent> batch = new ArrayList<>();
    batch.add(NewEvent.of("Good", "e", "{}"));
    batch.add(NewEvent.of("Bad", "e", "not json"));
    InvalidEventException e = assertThrows(InvalidEventException.class, () -> store.append("s", batch));
    assertTrue(e.getMessage().startsWith("event 1: "), e.getMessage());
    assertNothingElseStored();
  }

  @Test
  void duplicateEventIdsInOneBatch() throws Exception {
    UUID id = UUID.randomUUID();
    List<NewEvent> batch = List.of(NewEvent.of("A", null, "{}").withEventId(id),
        NewEvent.of("B", null, "{}").withEventId(id));
    assertMessage(assertThrows(InvalidEventException.class, () -> store.append("s", batch)),
        "appears twice in the batch");
    assertNothingElseStored();
  }

  private void expect(Class<? extends AppendRejectedException> type, String fragment, NewEvent event)
      throws Exception {
    assertMessage(assertThrows(type, () -> store.append("s", List.of(event))), fragment);
    assertNothingElseStored();
  }

  private static void assertMessage(Exception e, String fragment) {
    assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
  }

  private void assertNothingElseStored() throws Exception {
    assertEquals(1, store.read(ScanSpec.all()).size());
    assertEquals(List.of("kept"), store.streams());
    try (Stream<Path> events = Files.list(dir.resolve("events"))) {
      assertEquals(0, events.count(), "no partition folder was created");
    }
  }
}
