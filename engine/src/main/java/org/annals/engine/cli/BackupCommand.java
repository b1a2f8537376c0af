package org.annals.engine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.annals.engine.security.UsersFile;
import org.annals.storage.EventStore;
import org.annals.storage.StoreBackup;
import org.annals.storage.StoreOptions;
import org.annals.storage.StreamStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
    description = {"Copy a data folder consistently, while a server serves it or not: the newest manifest, the"
        + " Parquet files it lists, the WAL above it and the users file. Appends go on; the copy holds every"
        + " event acknowledged before the backup began, and is opened once to check it."})
final class BackupCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "The data folder to copy.")
  Path data;

  @Option(names = "--to", required = true, description = "A new or empty folder for the copy.")
  Path to;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    StoreBackup.Result r = StoreBackup.copy(data, to);
    Path users = data.resolve(UsersFile.DEFAULT_NAME);
    if (Files.exists(users)) {
      Files.copy(users, to.resolve(UsersFile.DEFAULT_NAME), StandardCopyOption.COPY_ATTRIBUTES);
    }
    System.out.printf(Locale.ROOT, "copied manifest %d: %d files (%,d bytes) and %d WAL segments (%,d bytes)%s in %.1f s%n",
        r.manifestVersion(), r.files(), r.fileBytes(), r.walSegments(), r.walBytes(),
        r.attempts() > 1 ? " (started over " + (r.attempts() - 1) + " times as the store moved on)" : "",
        (System.nanoTime() - started) / 1e9);
    // Opening the copy proves it whole and replays its WAL into files, so it is ready to serve.
    try (EventStore copy = EventStore.open(StoreOptions.builder(to).backgroundFlush(false)
        .backgroundCompaction(false).build())) {
      long stored = 0;
      for (StreamStats s : copy.streamStats()) {
        stored += s.storedEvents();
      }
      System.out.printf(Locale.ROOT, "the backup in %s opens: %,d events stored in %d streams%n", to.toAbsolutePath(),
          stored, copy.streams().size());
    }
    return 0;
  }
}
