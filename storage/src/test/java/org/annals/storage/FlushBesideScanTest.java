package org.annals.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.NewEvent;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans run while appends and flushes go on beside them: every snapshot sees each global_seq
 * below its end exactly once, however the flushes interleave with the scan.
 */
class FlushBesideScanTest {
  private static final int ROUNDS = 20;
  /**
   * Appends stop after this many batches: every flush adds files and every scan opens them all, so
   * unbounded appends made each scan slower than the last, and the test's length depended on how
   * fast appends ran next to scans.
   */
  private static final int BATCHES = 2_000;

  @TempDir Path dir;

  @Test
  void flushesNeverDoubleOrDropRowsOfARunningScan() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
    try (EventStore store = EventStore.open(StoreOptions.builder(dir).clock(clock)
        .backgroundFlush(false).memtableChunkRows(500).build())) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger flushes = new AtomicInteger();
      AtomicInteger scans = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(5);
      List<Future<?>> work = new ArrayList<>();
      Future<?> appender = pool.submit(() -> {
        int n = 0;
        for (int b = 0; b < BATCHES && !stop.get(); b++) {
          List<NewEvent> batch = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            batch.add(NewEvent.of("T", "e-" + (n % 97), "{\"n\":" + n++ + "}"));
          }
          store.append(n % 2 == 0 ? "a" : "b", batch);
          clock.advanceMillis(3_600_000);
        }
        return null;
      });
      work.add(appender);
      for (int f = 0; f < 2; f++) {
        work.add(pool.submit(() -> {
          while (!stop.get()) {
            store.flush();
            flushes.incrementAndGet();
          }
          return null;
        }));
      }
      for (int s = 0; s < 2; s++) {
        work.add(pool.submit(() -> {
          while (!stop.get()) {
            try (Snapshot snapshot = store.snapshot();
                 EventScanner scan = snapshot.scan(ScanSpec.builder().columns(EventColumn.GLOBAL_SEQ).build())) {
              long end = snapshot.endGlobalSeq();
              boolean[] seen = new boolean[(int) end];
              while (scan.next()) {
                BigIntVector v = (BigIntVector) scan.batch().getVector(0);
                for (int i = 0; i < scan.batch().getRowCount(); i++) {
                  int g = (int) v.get(i);
                  if (seen[g]) {
                    throw new AssertionError("global_seq " + g + " seen twice");
                  }
                  seen[g] = true;
                }
              }
              for (int g = 0; g < end; g++) {
                if (!seen[g]) {
                  throw new AssertionError("global_seq " + g + " missing of " + end);
                }
              }
            }
            scans.incrementAndGet();
          }
          return null;
        }));
      }
      // Run until every batch is appended and enough flushes and scans have interleaved with
      // the appends (a worker that fails ends the wait); the deadline only stops a hung test.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while ((!appender.isDone() || flushes.get() < ROUNDS || scans.get() < ROUNDS)
          && System.nanoTime() < deadline
          && work.stream().filter(f -> f != appender).noneMatch(Future::isDone)) {
        Thread.sleep(10);
      }
      stop.set(true);
      for (Future<?> f : work) {
        f.get();
      }
      pool.shutdown();
      assertTrue(flushes.get() >= ROUNDS, "flushes ran: " + flushes.get());
      assertTrue(scans.get() >= ROUNDS, "scans ran: " + scans.get());
      assertEquals(BATCHES * 20L, store.status().nextGlobalSeq(), "every batch was appended");
      long total = store.status().nextGlobalSeq();
      assertEquals(total, store.read(ScanSpec.builder().columns(EventColumn.GLOBAL_SEQ).build()).size());
    }
  }
}
