package org.annals.engine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.annals.storage.EventStore;

/**
 * Opens a data folder that must exist already. Opening creates a folder that is not there, which
 * suits a server or an import; for a command that reads or changes what is stored (status,
 * flush, retention, erase), a mistyped path would quietly make an empty store and report on it.
 */
final class ExistingDataFolder {
  private ExistingDataFolder() {}

  static EventStore open(Path data) throws IOException {
    if (!Files.isDirectory(data.resolve("wal")) || !Files.isDirectory(data.resolve("manifest"))) {
      throw new IOException(data + " is not an Annals data folder (it has no wal/ and manifest/ folders); check"
          + " --data");
    }
    return EventStore.open(data);
  }
}
