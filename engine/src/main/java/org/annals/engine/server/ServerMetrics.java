package org.annals.engine.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import org.annals.storage.EventStore;
import org.annals.storage.StoreStatus;

/**
 * What the server tells Prometheus ({@code GET /metrics}): the store's vital signs (log, memtable,
 * files, fsyncs and flushes, damaged files), appends and statements with their latencies as
 * histograms, errors by kind, open connections and statements, and the JVM's own. The store's
 * figures are read once per scrape however many series show them. Thread-safe.
 */
final class ServerMetrics implements AutoCloseable {
  /** The content type of Prometheus' text format, which every scraper reads. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final EventStore store;
  private final Timer appendsOk;
  private final Timer appendsRejected;
  private final Timer appendsFailed;
  private final Timer statementsOk;
  private final Timer statementsFailed;
  /** The store's status for the scrape under way: read once, however many series show it. */
  private StoreStatus status;

  ServerMetrics(EventStore store) {
    this.store = store;
    // Made once: every append and statement records into one, and a lookup per call is no use.
    appendsOk = timer("annals.appends", "HTTP appends, by outcome", "ok");
    appendsRejected = timer("annals.appends", "HTTP appends, by outcome", "rejected");
    appendsFailed = timer("annals.appends", "HTTP appends, by outcome", "failed");
    statementsOk = timer("annals.statements", "JDBC statement executions, by outcome", "ok");
    statementsFailed = timer("annals.statements", "JDBC statement executions, by outcome", "error");
    storeGauge("annals.wal.bytes", "Bytes in the write-ahead log", StoreStatus::walBytes);
    storeGauge("annals.wal.segments", "Segments of the write-ahead log", StoreStatus::walSegments);
    storeGauge("annals.memtable.rows", "Events appended but not yet flushed to Parquet", StoreStatus::memtableRows);
    storeGauge("annals.memtable.bytes", "Bytes the memtable holds", StoreStatus::memtableBytes);
    storeGauge("annals.files", "Parquet files the manifest lists", StoreStatus::flushedFiles);
    storeGauge("annals.flushed.rows", "Events in Parquet files", StoreStatus::flushedRows);
    storeGauge("annals.arrow.bytes", "Off-heap bytes of the memtable and of open scans", StoreStatus::arrowBytes);
    storeGauge("annals.damaged.files", "Data files found damaged since the store opened", s -> s.damagedFiles().size());
    storeGauge("annals.store.failed", "1 once the store has failed and takes no appends", s -> s.failure() == null ? 0 : 1);
    FunctionCounter.builder("annals.events.written", this, m -> m.status().eventsWritten())
        .description("Events made durable in the log since the store opened").register(registry);
    FunctionTimer.builder("annals.fsync", this, m -> m.status().fsyncs(), m -> m.status().fsyncNanos(),
        TimeUnit.NANOSECONDS).description("fsyncs of the log: each makes a group of appends durable")
        .register(registry);
    FunctionTimer.builder("annals.flush", this, m -> m.status().flushes(), m -> m.status().flushNanos(),
        TimeUnit.NANOSECONDS).description("Flushes of the memtable into Parquet files").register(registry);
    FunctionTimer.builder("annals.compaction", this, m -> m.status().compactions(), m -> m.status().compactionNanos(),
        TimeUnit.NANOSECONDS).description("Merges of a partition's small files into one").register(registry);
    FunctionCounter.builder("annals.compaction.files", this, m -> m.status().compactedFiles())
        .description("Files merges replaced since the store opened").register(registry);
    storeGauge("annals.files.replaced", "Files merges replaced that are not deleted yet (a query still reads them)",
        StoreStatus::replacedFiles);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Shows the JDBC connections and statements open, as the Meta counts them. */
  void connections(IntSupplier openConnections, IntSupplier openStatements) {
    Gauge.builder("annals.connections.open", openConnections::getAsInt).description("Open JDBC connections")
        .register(registry);
    Gauge.builder("annals.statements.open", openStatements::getAsInt).description("Open JDBC statements")
        .register(registry);
  }

  private void storeGauge(String name, String description, ToDoubleFunction<StoreStatus> value) {
    Gauge.builder(name, this, m -> value.applyAsDouble(m.status())).description(description).register(registry);
  }

  private synchronized StoreStatus status() {
    if (status == null) {
      try {
        status = store.status();
      } catch (IOException e) {
        throw new UncheckedIOException("reading the store's status failed", e);
      }
    }
    return status;
  }

  /** An HTTP append answered with this status, after this long. */
  void append(int httpStatus, long nanos) {
    Timer outcome = httpStatus < 400 ? appendsOk : httpStatus < 500 ? appendsRejected : appendsFailed;
    outcome.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A JDBC statement executed (its first frame included), after this long, with this SQLState or null. */
  void statement(String sqlState, long nanos) {
    (sqlState == null ? statementsOk : statementsFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** An error sent to a client: over JDBC with an SQLState, over HTTP with a status. */
  void error(String over, String code) {
    Counter.builder("annals.errors").description("Errors sent to clients: the SQLState's class, or the HTTP status")
        .tag("over", over).tag("code", code).register(registry).increment();
  }

  private Timer timer(String name, String description, String outcome) {
    return Timer.builder(name).description(description).tag("outcome", outcome).publishPercentileHistogram()
        .register(registry);
  }

  /** The metrics in Prometheus' text format. */
  synchronized String scrape() {
    status = null;
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
