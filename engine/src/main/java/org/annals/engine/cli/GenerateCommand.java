package org.annals.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.demo.SimulatedClock;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Fill an empty data folder with a sample 30-day shop history, flush it and exit"
        + " (no server may hold the folder).")
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "The data folder; it must hold no events yet.")
  Path data;

  @Mixin
  HistoryOptions history;

  @Override
  public Integer call() throws Exception {
    long events = history.events();
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    try (EventStore store = EventStore.open(StoreOptions.builder(data).clock(clock).build())) {
      if (!store.streams().isEmpty()) {
        throw new IllegalStateException(data.toAbsolutePath() + " already holds events in "
            + store.streams() + "; generate into an empty or new folder");
      }
      fill(store, clock, events, history.seed);
    }
    return 0;
  }

  /** Generates about {@code events} events into an empty store, flushes them, and says how fast. */
  static void fill(EventStore store, SimulatedClock clock, long events, long seed) throws IOException {
    System.out.printf(Locale.ROOT, "Generating a 30-day shop history of about %,d events into %s ...%n",
        events, store.options().dataFolder().toAbsolutePath());
    Progress progress = new Progress(ShopHistoryGenerator.DAYS);
    long written = new ShopHistoryGenerator(store, clock, events, seed)
        .onDayDone(progress::show).run();
    progress.done();
    store.flush();
    double seconds = progress.seconds();
    System.out.printf(Locale.ROOT, "Generated and flushed %,d events in %.1f s (%,.0f events/s), %d Parquet files.%n",
        written, seconds, written / seconds, store.status().flushedFiles());
  }
}
