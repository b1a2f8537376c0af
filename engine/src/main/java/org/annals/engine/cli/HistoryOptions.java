package org.annals.engine.cli;

import org.annals.engine.demo.ShopHistoryGenerator;
import picocli.CommandLine.Option;

/**
 * How much sample shop history to generate, and from which seed: shared by demo and generate,
 * which both generate only into a folder that holds no events yet.
 */
final class HistoryOptions {
  @Option(names = "--size", paramLabel = "small|large|<events>", defaultValue = "small",
      description = "small (about 50,000 events), large (about 10,000,000) or a number of events"
          + " (default: ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--seed", defaultValue = "" + ShopHistoryGenerator.SEED,
      description = "The random seed; the same seed and size give the same history (default: ${DEFAULT-VALUE}).")
  long seed;

  /** About how many events to generate. */
  long events() {
    for (ShopHistoryGenerator.Size named : ShopHistoryGenerator.Size.values()) {
      if (named.name().equalsIgnoreCase(size)) {
        return named.events;
      }
    }
    return count();
  }

  private long count() {
    try {
      long n = Long.parseLong(size.replace("_", "").replace(",", ""));
      if (n >= 1 && n <= 1_000_000_000L) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, with what is allowed
    }
    throw new IllegalArgumentException("--size must be small, large or a number of events from 1"
        + " to 1,000,000,000; got '" + size + "'");
  }
}
