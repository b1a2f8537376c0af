package org.annals.engine.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.annals.storage.EventStore;
import org.annals.storage.StreamStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "retention", mixinStandardHelpOptions = true,
    description = {"Show or set how long each stream's events are kept (no server may hold the folder; on a running"
        + " server, an admin uses PUT /admin/retention).",
        "Events leave a day at a time, once the day's last event is older than the retention: from Parquet files,"
            + " the disk, SQL and HTTP alike. An entity whose events have all left starts again at version 0."})
final class RetentionCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "The data folder.")
  Path data;

  @Option(names = "--stream", description = "The stream to set; without it, every stream's retention is shown.")
  String stream;

  @Option(names = "--days", description = "Keep the stream's events this many days (at least 1).")
  Integer days;

  @Option(names = "--events", description = "Keep at least the stream's newest N events (at least 1); older"
      + " files leave a file at a time.")
  Long events;

  @Option(names = "--forever", description = "Keep the stream's events for ever (the default): removes both"
      + " limits.")
  boolean forever;

  @Override
  public Integer call() throws Exception {
    boolean setting = days != null || events != null || forever;
    if ((stream == null) == setting) {
      System.err.println("annals retention: give --stream with --days N, --events N (or both) or --forever to set a"
          + " retention, or none of them to show every stream's");
      return 1;
    }
    if (forever && (days != null || events != null)) {
      System.err.println("annals retention: --forever removes the limits; give it without --days or --events");
      return 1;
    }
    if (days != null && days < 1) {
      System.err.println("annals retention: --days must be at least 1; got " + days);
      return 1;
    }
    if (events != null && events < 1) {
      System.err.println("annals retention: --events must be at least 1; got " + events);
      return 1;
    }
    try (EventStore store = ExistingDataFolder.open(data)) {
      if (stream != null) {
        long before = store.status().flushedRows();
        if (forever || days != null) {
          store.setRetention(stream, forever ? null : Duration.ofDays(days));
        }
        if (forever || events != null) {
          store.setRetainedEvents(stream, forever ? null : events);
        }
        long expired = before - store.status().flushedRows();
        System.out.printf(Locale.ROOT, "stream '%s' keeps its events %s; %,d expired events left the store%n", stream,
            kept(store.retention().get(stream), store.retainedEvents().get(stream)), expired);
      }
      // Streams with events, and streams given a retention before their first event.
      Map<String, Duration> ages = store.retention();
      Map<String, Long> counts = store.retainedEvents();
      Map<String, Long> stored = new TreeMap<>();
      ages.keySet().forEach(name -> stored.put(name, 0L));
      counts.keySet().forEach(name -> stored.put(name, 0L));
      for (StreamStats s : store.streamStats()) {
        stored.put(s.streamName(), s.storedEvents());
      }
      System.out.printf(Locale.ROOT, "%-24s %12s %s%n", "stream", "stored", "kept");
      stored.forEach((name, n) -> System.out.printf(Locale.ROOT, "%-24s %,12d %s%n", name, n,
          kept(ages.get(name), counts.get(name))));
    }
    return 0;
  }

  /**
   * A retention as people say it, after "keeps its events": "for ever", "for 30 days", "while among
   * its newest 1,000", "for 30 days while among its newest 1,000".
   */
  static String kept(Duration age, Long events) {
    if (age == null && events == null) {
      return "for ever";
    }
    String byAge = age == null ? null : "for " + age.toDays() + (age.toDays() == 1 ? " day" : " days");
    String byCount = events == null ? null : String.format(Locale.ROOT, "while among its newest %,d", events);
    return byAge == null ? byCount : byCount == null ? byAge : byAge + " " + byCount;
  }
}
