package org.annals.engine.cli;

import java.time.Duration;
import org.annals.storage.StoreOptions;
import picocli.CommandLine.Option;

/** When {@code serve} and {@code demo} flush the memtable to Parquet; unset, the store's defaults. */
final class FlushOptions {
  @Option(names = "--flush-bytes", paramLabel = "BYTES",
      description = "Flush once the memtable holds this many bytes (default: 134217728, 128 MiB).")
  Long flushBytes;

  @Option(names = "--flush-age", paramLabel = "SECONDS",
      description = "Flush once the oldest unflushed event is this old (default: 300).")
  Long flushAgeSeconds;

  StoreOptions.Builder applyTo(StoreOptions.Builder options) {
    if (flushBytes != null) {
      options.flushMemtableBytes(flushBytes);
    }
    if (flushAgeSeconds != null) {
      options.flushMaxAge(Duration.ofSeconds(flushAgeSeconds));
    }
    return options;
  }
}
