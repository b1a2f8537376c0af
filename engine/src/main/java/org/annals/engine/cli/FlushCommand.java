package org.annals.engine.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.annals.storage.EventStore;
import org.annals.storage.StoreStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "flush", mixinStandardHelpOptions = true,
    description = "Flush a data folder's unflushed events into Parquet files (no server may hold it).")
final class FlushCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "The data folder.")
  Path data;

  @Override
  public Integer call() throws Exception {
    try (EventStore store = ExistingDataFolder.open(data)) {
      long before = store.status().memtableRows();
      store.flush();
      StoreStatus after = store.status();
      System.out.printf("flushed %,d events; %d files with %,d events in manifest %d%n", before,
          after.flushedFiles(), after.flushedRows(), after.manifestVersion());
    }
    return 0;
  }
}
