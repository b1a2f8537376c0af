package org.annals.engine.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the scan whose rows a query's result set reads as they are. When a plan is nothing but a
 * scan (a {@code SELECT} of plain columns with the filters pushed into storage), Calcite's
 * result-set cursor iterates the scan's enumerable itself; any operator above a scan (a filter
 * or projection Calcite computes, a sort, a limit, a join) iterates it through its own
 * enumerator instead. So a scan iterated directly during an execution is the result's own rows,
 * and the server may write them out from their Arrow batches ({@link ScanRows}) in place of
 * reading them value by value through JDBC. Calcite opens the cursor on the thread that executes
 * the statement, which is what ties a scan to its execution here. Thread-safe.
 */
public final class RootScans {
  private static final ThreadLocal<List<ScanRows>> WATCHED = new ThreadLocal<>();

  private RootScans() {}

  /** What an execution returned, and the scan its result set reads as it is, or null. */
  public record Watched<T>(T result, ScanRows scan) {}

  /** An execution of a statement, as {@link #watch} runs it. */
  @FunctionalInterface
  public interface Execution<T, E extends Exception> {
    T run() throws E;
  }

  /** Runs an execution on this thread, noting the scans that Calcite's cursor iterates directly. */
  public static <T, E extends Exception> Watched<T> watch(Execution<T, E> execution) throws E {
    List<ScanRows> outer = WATCHED.get();
    List<ScanRows> scans = new ArrayList<>();
    WATCHED.set(scans);
    try {
      T result = execution.run();
      return new Watched<>(result, scans.size() == 1 ? scans.get(0) : null);
    } finally {
      WATCHED.set(outer);
    }
  }

  /** Called when a scan is iterated directly, as opposed to through an operator's enumerator. */
  static void iterated(ScanRows scan) {
    List<ScanRows> scans = WATCHED.get();
    if (scans != null) {
      scans.add(scan);
    }
  }
}
