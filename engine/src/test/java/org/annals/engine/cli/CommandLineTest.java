package org.annals.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.storage.EventStore;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line run as a user runs it, on a real data folder. */
class CommandLineTest {
  @TempDir Path dir;

  /** A JSON-lines file holding these lines. */
  private Path jsonl(String... lines) throws Exception {
    Path file = dir.resolve("events.jsonl");
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  /** Runs a command line that must fail with status 1 and returns what it wrote to stderr. */
  private static String failingRun(String... args) {
    Output err = Output.captureErr();
    try {
      assertEquals(1, Main.run(args), String.join(" ", args));
    } finally {
      err.restore();
    }
    return err.text();
  }

  @Test
  void importStopsAtABadLineAndKeepsTheBatchesBeforeIt() throws Exception {
    Path data = dir.resolve("data");
    Path file = jsonl(
        "{\"event_type\":\"A\",\"entity_id\":\"e-1\",\"payload\":{\"n\":1}}",
        "{\"event_type\":\"B\",\"entity_id\":\"e-1\",\"payload\":{\"n\":2}}",
        "",
        "{\"event_type\":\"C\",\"entity_id\":\"e-2\",\"payload\":{}}",
        "{\"event_type\":\"D\",\"entity_id\":\"e-2\",\"payload\":\"not an object\"}",
        "{\"event_type\":\"E\",\"entity_id\":\"e-3\",\"payload\":{}}");
    String err = failingRun("import", file.toString(), "--stream", "things", "--data", data.toString(),
        "--batch-size", "2");
    assertTrue(err.contains("line 5: payload must be a JSON object"), err);
    try (EventStore store = EventStore.open(data)) {
      List<StoredEvent> stored = store.read(ScanSpec.all());
      assertEquals(List.of("A", "B"), stored.stream().map(StoredEvent::eventType).sorted().toList(),
          "the first batch is stored, the batch with the bad line is not");
    }
  }

  @Test
  void importToAServerThatIsNotThereNamesTheAddress() throws Exception {
    Path file = jsonl("{\"event_type\":\"A\",\"entity_id\":\"e-1\",\"payload\":{}}");
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String err = failingRun("import", file.toString(), "--stream", "s", "--server", "http://127.0.0.1:" + port);
    assertTrue(err.contains("http://127.0.0.1:" + port + " did not answer (nothing accepts connections there: is"
        + " annals serve running on that address?)"), err);
    assertTrue(err.contains("0 events were imported before this batch; the batch starting at line 1 was not sent"),
        err);
  }

  @Test
  void importCountsBlankLinesInsideABatchWhenNamingTheBadLine() throws Exception {
    Path data = dir.resolve("data");
    Path file = jsonl(
        "{\"event_type\":\"A\",\"entity_id\":\"e-1\",\"payload\":{}}",
        "",
        "",
        "{\"event_type\":\"B\",\"entity_id\":\"e-1\",\"payload\":[1]}");
    String err = failingRun("import", file.toString(), "--stream", "s", "--data", data.toString());
    assertTrue(err.contains("line 4: payload must be a JSON object"), err);
  }

  @Test
  void sqlRefusesUrlsTheThinDriverWouldRefuse() {
    for (String url : List.of("jdbc:annals://127.0.0.1", "jdbc:annals://127.0.0.1:0",
        "jdbc:annals://127.0.0.1:99999", "JDBC:ANNALS://127.0.0.1:8765", "jdbc:annals://-x:8765",
        "jdbc:annals://127.0.0.1:8765?SERIALIZATION=json", "jdbc:annals://127.0.0.1:8765/db")) {
      String err = failingRun("sql", "--url", url, "-e", "SELECT 1");
      assertTrue(err.contains("--url must look like jdbc:annals://host:port with a port from 1"
          + " to 65535") && err.contains(url), err);
    }
  }

  @Test
  void sqlPassesAServersUrlSettingsOn() throws Exception {
    // The engine's tests have no thin driver on the class path: this is Avatica's remote driver.
    try (EventStore store = EventStore.open(dir.resolve("served"));
         AnnalsServer server = AnnalsServer.start(store, ServerConfig.defaults("127.0.0.1", 0))) {
      store.append("s", List.of(NewEvent.of("Noted", "e-1", "{}")));
      Output out = Output.captureOut();
      try {
        assertEquals(0, Main.run("sql", "--url", server.jdbcUrl() + "?serialization=JSON&pushdown=false", "-e",
            "SELECT COUNT(*) AS n FROM events"));
      } finally {
        out.restore();
      }
      assertTrue(out.text().contains("| 1 |"), out.text());
      String err = failingRun("sql", "--url", server.jdbcUrl() + "?as_of=0", "-e", "SELECT 1");
      assertTrue(err.contains("as_of in --url needs the Annals driver"), err);
    }
  }

  @Test
  void importNamesTheLineThatIsNotJson() throws Exception {
    Path data = dir.resolve("data");
    Path file = jsonl(
        "{\"event_type\":\"A\",\"payload\":{}}",
        "{\"event_type\":\"B\",\"payload\":{}}",
        "{\"event_type\": \"C\", \"payload\": {");
    String err = failingRun("import", file.toString(), "--stream", "s", "--data", data.toString());
    assertTrue(err.contains("line 3: not valid JSON"), err);
    try (EventStore store = EventStore.open(data)) {
      assertEquals(0, store.read(ScanSpec.all()).size(), "the batch with the bad line was not stored");
    }
  }

  @Test
  void importFlushAndStatusWorkOnAFolder() throws Exception {
    Path data = dir.resolve("data");
    Path file = jsonl(
        "{\"event_type\":\"Opened\",\"entity_id\":\"a-1\",\"payload\":{},\"expected_version\":-1}",
        "{\"event_type\":\"Credited\",\"entity_id\":\"a-1\",\"payload\":{\"amount\":5},\"expected_version\":0}");
    Output out = Output.captureOut();
    try {
      assertEquals(0, Main.run("import", file.toString(), "--stream", "accounts", "--data", data.toString()));
      assertEquals(0, Main.run("flush", "--data", data.toString()));
      assertEquals(0, Main.run("status", "--data", data.toString()));
    } finally {
      out.restore();
    }
    assertTrue(out.text().contains("imported 2 events into stream 'accounts'"), out.text());
    assertTrue(out.text().matches("(?s).*accounts\\s+2\\s+1\\s.*"), out.text());
    try (EventStore store = EventStore.open(data)) {
      assertEquals(1, store.status().flushedFiles());
      assertEquals(2, store.readEntity("accounts", "a-1").size());
    }
  }

  @Test
  void backupCopiesAFolderTheStoreHoldsOpenAndTheCopyOpens() throws Exception {
    Path data = dir.resolve("live");
    Path copy = dir.resolve("copy");
    try (EventStore store = EventStore.open(data)) {
      store.append("orders", List.of(NewEvent.of("Placed", "o-1", "{\"amount\": 5}")));
      store.flush();
      store.append("orders", List.of(NewEvent.of("Paid", "o-1", "{}")));
      Files.writeString(data.resolve("users.properties"), "# no users yet\n");
      Output out = Output.captureOut();
      try {
        assertEquals(0, Main.run("backup", "--data", data.toString(), "--to", copy.toString()));
      } finally {
        out.restore();
      }
      assertTrue(out.text().contains("copied manifest 1: 1 files"), out.text());
      assertTrue(out.text().contains("opens: 2 events stored in 1 streams"), out.text());
      // The store kept going: appends after the backup are the original's alone.
      store.append("orders", List.of(NewEvent.of("Shipped", "o-1", "{}")));
    }
    assertEquals("# no users yet\n", Files.readString(copy.resolve("users.properties")));
    try (EventStore restored = EventStore.open(copy)) {
      assertEquals(List.of("Placed", "Paid"),
          restored.readEntity("orders", "o-1").stream().map(StoredEvent::eventType).toList());
    }
    String err = failingRun("backup", "--data", data.toString(), "--to", copy.toString());
    assertTrue(err.contains("is not empty; give a new or empty folder"), err);
  }

  @Test
  void retentionIsSetByCommandAndShownInSqlAndStatus() throws Exception {
    Path data = dir.resolve("kept");
    try (EventStore store = EventStore.open(data)) {
      store.append("orders", List.of(NewEvent.of("Placed", "o-1", "{}")));
      store.append("audit", List.of(NewEvent.of("Noted", null, "{}")));
    }
    Output out = Output.captureOut();
    try {
      assertEquals(0, Main.run("retention", "--data", data.toString(), "--stream", "orders", "--days", "30"));
      assertEquals(0, Main.run("sql", "--data", data.toString(), "-e",
          "SELECT stream_name, stored_events, retention_days FROM annals_system.streams ORDER BY stream_name"));
      assertEquals(0, Main.run("status", "--data", data.toString()));
    } finally {
      out.restore();
    }
    assertTrue(out.text().contains("stream 'orders' keeps its events for 30 days"), out.text());
    assertTrue(out.text().matches("(?s).*\\| orders +\\| 1 +\\| 30 +\\|.*"), out.text());
    assertTrue(out.text().matches("(?s).*\\| audit +\\| 1 +\\| null +\\|.*"), out.text());
    assertTrue(out.text().matches("(?s).*orders .* 30 days.*"), out.text());

    String err = failingRun("retention", "--data", data.toString(), "--stream", "orders", "--days", "0");
    assertTrue(err.contains("--days must be at least 1"), err);
    err = failingRun("retention", "--data", data.toString(), "--days", "3");
    assertTrue(err.contains("give --stream with --days N, --events N (or both) or --forever"), err);
    err = failingRun("retention", "--data", data.toString(), "--stream", "orders", "--events", "0");
    assertTrue(err.contains("--events must be at least 1; got 0"), err);
    err = failingRun("retention", "--data", data.toString(), "--stream", "orders", "--forever", "--days", "2");
    assertTrue(err.contains("--forever removes the limits"), err);

    out = Output.captureOut();
    try {
      assertEquals(0, Main.run("retention", "--data", data.toString(), "--stream", "orders", "--events", "1000"));
      assertEquals(0, Main.run("sql", "--data", data.toString(), "-e",
          "SELECT stream_name, retention_days, retention_events FROM annals_system.streams ORDER BY stream_name"));
      assertEquals(0, Main.run("retention", "--data", data.toString(), "--stream", "orders", "--forever"));
    } finally {
      out.restore();
    }
    assertTrue(out.text().contains("stream 'orders' keeps its events for 30 days while among its newest 1,000"),
        out.text());
    assertTrue(out.text().matches("(?s).*\\| orders +\\| 30 +\\| 1000 +\\|.*"), out.text());
    assertTrue(out.text().contains("stream 'orders' keeps its events for ever"), out.text());
  }

  @Test
  void commandsOnAStoreRefuseAFolderThatIsNoneAndCreateNothing() throws Exception {
    Path typo = dir.resolve("annals-dta");
    for (String[] command : new String[][] {{"status"}, {"flush"}, {"retention"},
        {"erase", "--stream", "customers", "--entity", "c-1"}}) {
      String[] args = new String[command.length + 2];
      System.arraycopy(command, 0, args, 0, command.length);
      args[command.length] = "--data";
      args[command.length + 1] = typo.toString();
      String err = failingRun(args);
      assertTrue(err.contains("is not an Annals data folder"), err);
      assertFalse(Files.exists(typo), String.join(" ", command) + " created " + typo);
    }
  }

  @Test
  void aBadStreamNameIsRefusedWithTheRule() throws Exception {
    String err = failingRun("import", "missing.jsonl", "--stream", "../etc", "--data", dir.toString());
    assertTrue(err.contains("invalid stream name '../etc'"), err);
  }

  @Test
  void generateFillsAnEmptyFolderAndRefusesOneWithEvents() throws Exception {
    Path data = dir.resolve("shop");
    Output out = Output.captureOut();
    try {
      assertEquals(0, Main.run("generate", "--data", data.toString(), "--size", "3000"));
    } finally {
      out.restore();
    }
    assertTrue(out.text().matches("(?s).*Generated and flushed [0-9,]+ events in .*Parquet files\\..*"),
        out.text());
    long events;
    try (EventStore store = EventStore.open(data)) {
      assertEquals(List.of("carts", "customers", "orders", "payments"), store.streams());
      events = store.status().flushedRows();
      assertTrue(events > 2000 && events < 4000, "about the size asked for: " + events);
      assertEquals(0, store.status().memtableRows(), "everything was flushed");
    }
    String full = failingRun("generate", "--data", data.toString(), "--size", "small");
    assertTrue(full.contains("already holds events in [carts, customers, orders, payments]"), full);
    String badSize = failingRun("generate", "--data", dir.resolve("other").toString(), "--size", "lots");
    assertTrue(badSize.contains("--size must be small, large or a number of events"), badSize);
    try (EventStore store = EventStore.open(data)) {
      assertEquals(events, store.status().flushedRows(), "the refused run added nothing");
    }
  }

  @Test
  void aFailedStatementOfSqlDashEIsOneLineWithItsStateAndNoStackTrace() throws Exception {
    Path data = dir.resolve("data");
    try (EventStore store = EventStore.open(data)) {
      store.append("things", List.of(NewEvent.of("A", "e-1", "{}")));
    }
    String err = failingRun("sql", "--data", data.toString(), "-e", "SELECT nope FROM events");
    assertTrue(err.contains("Column 'nope' not found in any table (state=42000"), err);
    assertFalse(err.contains("\tat "), err);
    assertFalse(err.contains("AvaticaSqlException"), err);
  }
}
