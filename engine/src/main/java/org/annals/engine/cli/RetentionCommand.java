package org.annals.engine.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.annals.storage.EventStore;
import org.annals.storage.StreamStats;
import picocli.CommandLine.ArgGroup;
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

  @ArgGroup(exclusive = true)
  Setting setting;

  static final class Setting {
    @Option(names = "--days", description = "Keep the stream's events this many days (at least 1).")
    Integer days;

    @Option(names = "--forever", description = "Keep the stream's events for ever (the default).")
    boolean forever;
  }

  @Override
  public Integer call() throws Exception {
    if ((stream == null) != (setting == null)) {
      System.err.println("annals retention: give --stream with --days N or --forever to set a retention, or"
          + " neither to show them all");
      return 1;
    }
    if (setting != null && setting.days != null && setting.days < 1) {
      System.err.println("annals retention: --days must be at least 1; got " + setting.days);
      return 1;
    }
    try (EventStore store = ExistingDataFolder.open(data)) {
      if (stream != null) {
        long before = store.status().flushedRows();
        store.setRetention(stream, setting.forever ? null : Duration.ofDays(setting.days));
        long expired = before - store.status().flushedRows();
        System.out.printf(Locale.ROOT, "stream '%s' keeps its events %s; %,d expired events left the store%n", stream,
            setting.forever ? "for ever" : "for " + kept(Duration.ofDays(setting.days)), expired);
      }
      // Streams with events, and streams given a retention before their first event.
      Map<String, Duration> retention = store.retention();
      Map<String, Long> stored = new TreeMap<>();
      retention.keySet().forEach(name -> stored.put(name, 0L));
      for (StreamStats s : store.streamStats()) {
        stored.put(s.streamName(), s.storedEvents());
      }
      System.out.printf(Locale.ROOT, "%-24s %12s %s%n", "stream", "stored", "kept");
      stored.forEach((name, events) -> {
        Duration kept = retention.get(name);
        System.out.printf(Locale.ROOT, "%-24s %,12d %s%n", name, events,
            kept == null ? "for ever" : kept(kept));
      });
    }
    return 0;
  }

  /** A retention as people write it: "1 day", "30 days". */
  static String kept(Duration retention) {
    long days = retention.toDays();
    return days + (days == 1 ? " day" : " days");
  }
}
