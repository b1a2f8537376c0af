package org.annals.jdbc;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.Service;

/**
 * One connection's service that asks the server for a result set's next frame while the
 * application reads the current one. Without it a remote {@code SELECT *} alternates: the server
 * scans and encodes a frame while the client waits, then the client decodes and reads it while
 * the server waits; on two cores the one half of the work can run beside the other.
 *
 * <p>The server answers a fetch with the next rows of the statement's cursor, so rows fetched
 * ahead are never dropped while the application may still ask for them: they are kept per
 * statement until the application's own fetch for that offset takes them, and discarded only
 * when the statement is closed or executed again, or the connection closed. One request at a
 * time goes to the server for this connection: every call waits for a fetch ahead still under
 * way before it sends anything, so the server never sees two requests of one connection at once.
 * A fetch ahead that failed fails the application's fetch that takes it, with the same error.
 * Thread-safe.
 */
final class PrefetchingService implements Service {
  private static final ExecutorService AHEAD = Executors.newCachedThreadPool(DaemonThreads.named("prefetch"));

  /** A frame asked for ahead: the statement's rows from {@code offset} on. */
  private record Ahead(long offset, CompletableFuture<FetchResponse> response) {}

  private final Service service;
  private final Map<Integer, Ahead> ahead = new HashMap<>();
  /**
   * How many executions of each statement were sent, which the server counts alike: a cancel
   * names the execution it is for ({@link StatementCancels}). Read without this service's lock,
   * which a request under way holds.
   */
  private final Map<Integer, Integer> executions = new ConcurrentHashMap<>();
  /** The fetch ahead last started; every request waits for it first. */
  private CompletableFuture<FetchResponse> underWay = CompletableFuture.completedFuture(null);

  PrefetchingService(Service service) {
    this.service = service;
  }

  @Override
  public synchronized FetchResponse apply(FetchRequest request) {
    Ahead next = ahead.remove(request.statementId);
    FetchResponse response;
    if (next != null && next.offset == request.offset) {
      response = take(next.response);
    } else {
      response = send(() -> service.apply(request));
    }
    fetchAhead(request.connectionId, request.statementId, response.frame, request.fetchMaxRowCount);
    return response;
  }

  @Override
  public synchronized ExecuteResponse apply(ExecuteRequest request) {
    ahead.remove(request.statementHandle.id);
    return send(() -> service.apply(executing(request.statementHandle.id, request)));
  }

  @Override
  public synchronized ExecuteResponse apply(PrepareAndExecuteRequest request) {
    ahead.remove(request.statementId);
    return send(() -> service.apply(executing(request.statementId, request)));
  }

  @Override
  public synchronized CloseStatementResponse apply(CloseStatementRequest request) {
    ahead.remove(request.statementId);
    executions.remove(request.statementId);
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized SyncResultsResponse apply(SyncResultsRequest request) {
    ahead.remove(request.statementId);
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized ExecuteBatchResponse apply(PrepareAndExecuteBatchRequest request) {
    ahead.remove(request.statementId);
    return send(() -> service.apply(executing(request.statementId, request)));
  }

  @Override
  public synchronized ExecuteBatchResponse apply(ExecuteBatchRequest request) {
    ahead.remove(request.statementId);
    return send(() -> service.apply(executing(request.statementId, request)));
  }

  @Override
  public synchronized CloseConnectionResponse apply(CloseConnectionRequest request) {
    ahead.clear();
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized ResultSetResponse apply(CatalogsRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized ResultSetResponse apply(SchemasRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized ResultSetResponse apply(TablesRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized ResultSetResponse apply(TableTypesRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized ResultSetResponse apply(TypeInfoRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized ResultSetResponse apply(ColumnsRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized PrepareResponse apply(PrepareRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized CreateStatementResponse apply(CreateStatementRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized OpenConnectionResponse apply(OpenConnectionRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized ConnectionSyncResponse apply(ConnectionSyncRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized DatabasePropertyResponse apply(DatabasePropertyRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized CommitResponse apply(CommitRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized RollbackResponse apply(RollbackRequest request) {
    return send(() -> service.apply(request));
  }

  @Override
  public synchronized void setRpcMetadata(RpcMetadataResponse metadata) {
    service.setRpcMetadata(metadata);
  }

  /**
   * The number the statement's next execution will have on the server: one more than those
   * sent so far. A statement runs one execution at a time.
   */
  int nextExecution(int statementId) {
    return executions.getOrDefault(statementId, 0) + 1;
  }

  /** The request, counted as the statement's next execution as it goes. */
  private <R> R executing(int statementId, R request) {
    executions.merge(statementId, 1, Integer::sum);
    return request;
  }

  /** Sends a request once the fetch ahead under way, if any, has its answer. */
  private <T> T send(Supplier<T> request) {
    awaitUnderWay();
    return request.get();
  }

  /**
   * Waits for the fetch ahead last started, whichever statement it is for, keeping its answer or
   * failure for the fetch that takes it: the server sees one request of this connection at a time.
   */
  private void awaitUnderWay() {
    underWay.exceptionally(e -> null).join();
  }

  /** The answer of a fetch ahead, or its failure as the application's fetch would have had it. */
  private static FetchResponse take(CompletableFuture<FetchResponse> response) {
    try {
      return response.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Asks for the rows after {@code frame} in the background, unless it was the last, as many as
   * the application's last fetch asked for (its statement's fetch size). Only fetches start this:
   * an execute's first frame says nothing of the fetch size (Avatica sends the statement's row
   * limit there, -1 for none, which an Avatica server reads as every remaining row at once).
   */
  private void fetchAhead(String connectionId, int statementId, Meta.Frame frame, int fetchMaxRowCount) {
    if (frame == null || frame.done) {
      return;
    }
    long rows = rows(frame);
    if (rows == 0) {
      return;
    }
    awaitUnderWay();
    FetchRequest next = new FetchRequest(connectionId, statementId, frame.offset + rows, fetchMaxRowCount);
    underWay = CompletableFuture.supplyAsync(() -> service.apply(next), AHEAD);
    ahead.put(statementId, new Ahead(next.offset, underWay));
  }

  private static long rows(Meta.Frame frame) {
    long count = 0;
    for (Object ignored : frame.rows) {
      count++;
    }
    return count;
  }
}
