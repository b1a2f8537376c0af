package org.annals.engine.jdbc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;

/**
 * The stores open in this process, shared by every embedded connection to the same data folder
 * (a folder can be open only once per process, since a store locks its folder). Reference
 * counted: the last connection to close closes the store, unless its opener still holds it.
 * Thread-safe.
 */
public final class StoreRegistry {
  private static final Map<Path, Entry> OPEN = new HashMap<>();

  private static final class Entry {
    final EventStore store;
    int references;

    Entry(EventStore store) {
      this.store = store;
    }
  }

  private StoreRegistry() {}

  /**
   * Registers a store that its opener (a server, say) configured itself. The opener holds one
   * reference and gives it back with {@link #release}.
   */
  public static synchronized void register(EventStore store) {
    Path key = key(store.options().dataFolder());
    if (OPEN.containsKey(key)) {
      throw new IllegalStateException("a store for " + key + " is already registered");
    }
    Entry e = new Entry(store);
    e.references = 1;
    OPEN.put(key, e);
  }

  /** Drops a registered store without closing it: its opener failed to start and keeps it. */
  public static synchronized void forget(EventStore store) {
    OPEN.remove(key(store.options().dataFolder()));
  }

  /** Returns the open store for a folder, opening it with default options if needed. */
  public static synchronized EventStore acquire(Path folder) throws IOException {
    Path key = key(folder);
    Entry e = OPEN.get(key);
    if (e == null) {
      e = new Entry(EventStore.open(StoreOptions.builder(key).build()));
      OPEN.put(key, e);
    }
    e.references++;
    return e.store;
  }

  /** Gives back one reference; the last one closes the store (flushing it). */
  public static synchronized void release(Path folder) throws IOException {
    Path key = key(folder);
    Entry e = OPEN.get(key);
    if (e == null) {
      return;
    }
    if (--e.references == 0) {
      OPEN.remove(key);
      e.store.close();
    }
  }

  private static Path key(Path folder) {
    return folder.toAbsolutePath().normalize();
  }
}
