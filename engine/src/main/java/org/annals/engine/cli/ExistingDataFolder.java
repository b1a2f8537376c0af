package org.annals.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.annals.storage.EventStore;
import org.annals.storage.fs.DataFolder;

/**
 * Opens a data folder that must exist already. Opening creates a folder that is not there, which
 * suits a server or an import; for a command that reads or changes what is stored (status,
 * flush, retention, erase), a mistyped path would quietly make an empty store and report on it.
 */
final class ExistingDataFolder {
  private ExistingDataFolder() {}

  static EventStore open(Path data) throws IOException {
    new DataFolder(data).requireExisting();
    return EventStore.open(data);
  }
}
