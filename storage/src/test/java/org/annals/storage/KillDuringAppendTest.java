package org.annals.storage;

import static org.annals.storage.HistoryAssertions.assertHistory;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.annals.storage.scan.ScanSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while several threads append and the background flush runs, a
 * few times over on the same folder, then checks that nothing acknowledged was lost or doubled
 * and that every position is still gapless.
 */
class KillDuringAppendTest {
  private static final long SEED = 20260601L;
  private static final int ROUNDS = 6;
  private static final int THREADS = 4;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void acknowledgedEventsSurviveRepeatedKills() throws Exception {
    Path data = dir.resolve("data");
    Random random = new Random(SEED);
    List<AckLine> acked = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      String what = "round " + round;
      long committedBefore = newestManifest(data);
      ChildJvm child = ChildJvm.start(AppendingChild.class, dir.resolve("round-" + round), List.of(),
          data.toString(), Long.toString(SEED + round), Integer.toString(THREADS));
      child.awaitLine("ready", STARTUP_TIMEOUT);
      if (round % 2 == 0) {
        // Anywhere: mid-append, mid-fsync, mid-roll, or while a flush writes its files.
        Thread.sleep(500 + random.nextInt(1_501));
      } else {
        // Just after a commit, while the flusher drops memtable rows and deletes WAL segments.
        awaitCommitAfter(data, committedBefore, child, what);
        Thread.sleep(random.nextInt(200));
      }
      if (!child.isAlive()) {
        fail(what + ": the child stopped before it was killed; its stderr:\n" + child.stderr());
      }
      child.kill();
      List<AckLine> roundAcks = child.acknowledged();
      assertFalse(roundAcks.isEmpty(), what + ": the child acknowledged nothing before the kill");
      acked.addAll(roundAcks);
    }
    try (EventStore store = EventStore.open(StoreOptions.builder(data).backgroundFlush(false).build())) {
      assertHistory(store.read(ScanSpec.all()), acked);
    }
  }

  private static void awaitCommitAfter(Path data, long version, ChildJvm child, String what)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
    while (newestManifest(data) <= version) {
      if (!child.isAlive() || System.nanoTime() > deadline) {
        child.kill();
        fail(what + ": no flush committed within " + FLUSH_TIMEOUT + "; the child's stderr:\n" + child.stderr());
      }
      Thread.sleep(5);
    }
  }

  /** The version of the newest published manifest, or 0 if there is none. */
  private static long newestManifest(Path data) throws IOException {
    Path manifests = data.resolve("manifest");
    if (!Files.isDirectory(manifests)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(manifests)) {
      return files.map(f -> f.getFileName().toString())
          .filter(n -> n.matches("\\d{20}\\.json"))
          .mapToLong(n -> Long.parseLong(n.substring(0, 20)))
          .max().orElse(0);
    }
  }
}
