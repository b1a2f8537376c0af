package org.annals.engine.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.annals.storage.Erasure;
import org.annals.storage.EventStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "erase", mixinStandardHelpOptions = true,
    description = {"Erase one entity's events from a stream, as if they had never been appended: from the Parquet"
        + " files (written again without them), the WAL, the indexes and the statistics (no server may hold the"
        + " folder; on a running server, an admin uses POST /admin/erase). Records who asked, when and how many"
        + " events went, never the entity id, in stream " + EventStore.ERASURES_STREAM + ". The entity's next event"
        + " is version 0."})
final class EraseCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "The data folder.")
  Path data;

  @Option(names = "--stream", required = true, description = "The entity's stream.")
  String stream;

  @Option(names = "--entity", required = true, description = "The entity's id.")
  String entity;

  @Option(names = "--by", description = "Who asks, for the record (default: the operating system user).")
  String by = System.getProperty("user.name");

  @Option(names = "--reference", description = "The request's reference for the record (a ticket number, say).")
  String reference;

  @Override
  public Integer call() throws Exception {
    try (EventStore store = ExistingDataFolder.open(data)) {
      Erasure done = store.erase(stream, entity, by, reference);
      System.out.printf(Locale.ROOT, "erased %,d events of the entity from stream '%s' (%d files written again);"
          + " recorded in stream %s%n", done.events(), stream, done.filesRewritten(), EventStore.ERASURES_STREAM);
    }
    return 0;
  }
}
