package org.annals.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.annals.storage.event.AppendResult;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StoredEvent;
import org.annals.storage.scan.ScanSpec;

/**
 * The child JVM of {@link KillDuringAppendTest}: opens the store in the folder named by its first
 * argument, prints {@code ready}, then appends from several threads until it is killed, printing
 * an {@link AckLine} for each acknowledged event. Small thresholds make the background flush and
 * segment rolls run while it appends, so a kill can land anywhere. Arguments: folder, seed,
 * threads. It ends on its own only if an append fails, with status {@link #FAILED}.
 */
final class AppendingChild {
  static final int FAILED = 3;
  private static final List<String> STREAMS = List.of("orders", "payments", "audit");
  private static final int ENTITIES_PER_THREAD = 3;

  private AppendingChild() {}

  public static void main(String[] args) throws IOException {
    Path folder = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int threads = Integer.parseInt(args[2]);
    EventStore store = EventStore.open(StoreOptions.builder(folder)
        .flushMemtableBytes(32 * 1024)
        .flushMaxAge(Duration.ofMillis(200))
        .walSegmentBytes(64 * 1024)
        .build());
    Map<String, Long> versions = lastVersions(store);
    System.out.println("ready");
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Random random = new Random(seed * 31 + t);
      // Never closed: the store lives until the parent kills this JVM.
      new Thread(() -> appendUntilKilled(store, thread, random, versions), "appender-" + t).start();
    }
  }

  /**
   * Each entity's last version, keyed by stream and entity. The previous child was killed, so
   * only the recovered store knows which of its last appends made it.
   */
  private static Map<String, Long> lastVersions(EventStore store) throws IOException {
    Map<String, Long> versions = new ConcurrentHashMap<>();
    for (StoredEvent e : store.read(ScanSpec.all())) {
      if (e.entityId() != null) {
        versions.merge(e.streamName() + "/" + e.entityId(), e.version(), Math::max);
      }
    }
    return versions;
  }

  private static void appendUntilKilled(EventStore store, int thread, Random random, Map<String, Long> versions) {
    try {
      for (long n = 0; ; n++) {
        String stream = STREAMS.get(random.nextInt(STREAMS.size()));
        List<NewEvent> batch = new ArrayList<>();
        Map<String, Long> batchVersions = new HashMap<>();
        int size = 1 + random.nextInt(4);
        for (int i = 0; i < size; i++) {
          String payload = "{\"thread\": " + thread + ", \"n\": " + n + ", \"pad\": \""
              + "x".repeat(random.nextInt(200)) + "\"}";
          if (stream.equals("audit") || random.nextInt(3) == 0) {
            batch.add(NewEvent.of("Noted", null, payload));
            continue;
          }
          // Each thread owns its entities, so it knows their versions and a check never conflicts.
          String entity = "t" + thread + "-e" + random.nextInt(ENTITIES_PER_THREAD);
          String key = stream + "/" + entity;
          long current = batchVersions.getOrDefault(key, versions.getOrDefault(key, -1L));
          NewEvent event = NewEvent.of("Changed", entity, payload);
          if (random.nextBoolean()) {
            event = event.withExpectedVersion(current < 0 ? ExpectedVersion.NO_EVENTS : ExpectedVersion.exactly(current));
          }
          batch.add(event);
          batchVersions.put(key, current + 1);
        }
        AppendResult r = store.append(stream, batch);
        versions.putAll(batchVersions);
        StringBuilder acks = new StringBuilder();
        for (int i = 0; i < batch.size(); i++) {
          acks.append(AckLine.of(r.positions().get(i), batch.get(i).entityId()).format()).append('\n');
        }
        // One print per batch: PrintStream is synchronized, so lines of two threads never mix.
        System.out.print(acks);
        // A short pause keeps the volume small enough for a flush to finish between kills.
        Thread.sleep(1 + random.nextInt(3));
      }
    } catch (Throwable e) {
      e.printStackTrace();
      Runtime.getRuntime().halt(FAILED);
    }
  }
}
