package org.annals.engine.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.annals.storage.EventStore;
import org.annals.storage.StoreStatus;
import org.annals.storage.StreamStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show a data folder's streams, WAL, memtable and files (no server may hold it;"
        + " on a server, query annals_system.status and annals_system.streams).")
final class StatusCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "The data folder.")
  Path data;

  @Option(names = "--verify", description = "Read every page of every data file and check its checksum (reads the"
      + " whole store).")
  boolean verify;

  @Override
  public Integer call() throws Exception {
    try (EventStore store = ExistingDataFolder.open(data)) {
      Map<String, String> verified = verify ? store.verifyFiles() : null;
      StoreStatus s = store.status();
      Map<String, String> damaged = verified != null ? verified : s.damagedFiles();
      System.out.printf(Locale.ROOT, "data folder   %s%n", data.toAbsolutePath());
      System.out.printf(Locale.ROOT, "events        %,d (next global_seq)%n", s.nextGlobalSeq());
      System.out.printf(Locale.ROOT, "WAL           %,d bytes in %d segments%n", s.walBytes(), s.walSegments());
      System.out.printf(Locale.ROOT, "memtable      %,d events%n", s.memtableRows());
      System.out.printf(Locale.ROOT, "Parquet files %d files, %,d events, manifest %d%n", s.flushedFiles(),
          s.flushedRows(), s.manifestVersion());
      System.out.printf(Locale.ROOT, "since open    %,d fsyncs (%,d ms), %,d events written, %,d flushes (%,d ms)%n",
          s.fsyncs(), s.fsyncNanos() / 1_000_000, s.eventsWritten(), s.flushes(), s.flushNanos() / 1_000_000);
      System.out.printf(Locale.ROOT, "compaction    %,d merges of %,d files (%,d ms) since open; %d replaced files"
          + " not deleted yet%n", s.compactions(), s.compactedFiles(), s.compactionNanos() / 1_000_000,
          s.replacedFiles());
      System.out.printf(Locale.ROOT, "%n%-24s %12s %10s %-24s %-24s %12s %s%n", "stream", "events", "entities", "first",
          "last", "stored", "kept");
      for (StreamStats st : store.streamStats()) {
        System.out.printf(Locale.ROOT, "%-24s %,12d %,10d %-24s %-24s %,12d %s%n", st.streamName(), st.events(),
            st.entities(), time(st.firstRecordedAt()), time(st.lastRecordedAt()), st.storedEvents(),
            RetentionCommand.kept(st.retention(), st.retainedEvents()));
      }
      if (!damaged.isEmpty()) {
        System.out.printf(Locale.ROOT, "%nDAMAGED data files (restore them from a backup of the data folder):%n");
        damaged.forEach((path, reason) -> System.out.printf(Locale.ROOT, "  %s: %s%n", path, reason));
        return 2;
      }
      if (verify) {
        System.out.printf(Locale.ROOT, "%nevery page of every data file checked: none damaged%n");
      }
    }
    return 0;
  }

  private static String time(Long millis) {
    return millis == null ? "-" : Instant.ofEpochMilli(millis).toString();
  }
}
