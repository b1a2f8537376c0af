package org.annals.engine.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.annals.engine.jdbc.ClientProperties;
import org.annals.engine.security.Role;
import org.annals.engine.sql.EventSchema;
import org.annals.engine.sql.RootScans;
import org.annals.engine.sql.SqlErrors;
import org.annals.engine.sql.SystemSchema;
import org.annals.engine.sql.TypesSchema;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.jdbc.JdbcMeta.ConnectionCacheSettings;
import org.apache.calcite.avatica.jdbc.JdbcMeta.StatementCacheSettings;
import org.apache.calcite.avatica.jdbc.StatementInfo;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.apache.calcite.avatica.remote.TypedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avatica's JDBC-backed Meta with Annals's rules at the boundary:
 *
 * <ul>
 *   <li>a client's connection properties are checked against {@link ClientProperties#ALLOWED}
 *       and never reach Calcite (JdbcMeta would merge them over the server's: a {@code model} or
 *       {@code schemaFactory} would load files or classes);
 *   <li>a result's first frame holds up to 100 rows, later frames the rows a client asks for,
 *       but at least {@link ServerConfig#rowsPerFrame()} and at most
 *       {@link ServerConfig#MAX_ROWS_PER_FRAME}; every frame stops at about
 *       {@link ServerConfig#MAX_FRAME_BYTES} ({@link JdbcFrames}); a result that is nothing but a
 *       scan has its later frames written straight from the scan's batches ({@link ScanCursor})
 *       for protobuf clients; a protobuf client may take its frames in columns
 *       ({@link ClientProperties#FRAMES}, {@link ColumnBlockEncoder});
 *   <li>a client may not switch to a schema or catalog outside Annals;
 *   <li>every failure reaches the client as an SQL error with an SQLState and no stack trace
 *       ({@link #guarded}).
 * </ul>
 *
 * Thread-safe, as JdbcMeta is.
 */
final class AnnalsMeta extends JdbcMeta {
  private static final List<String> SCHEMAS = List.of(EventSchema.NAME, TypesSchema.NAME, SystemSchema.NAME);
  /** The types {@link #getTypeInfo} lists: SQL's standard ones that Annals' SQL reads and writes. */
  /** The Meta calls that run a statement, which {@link ServerMetrics#statement} times. */
  private static final Set<String> EXECUTIONS = Set.of("prepareAndExecute", "execute", "prepareAndExecuteBatch",
      "executeBatch", "executeBatchProtobuf");
  private static final Set<String> CLIENT_TYPES = Set.of("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT",
      "DECIMAL", "FLOAT", "REAL", "DOUBLE", "CHAR", "VARCHAR", "BINARY", "VARBINARY", "DATE", "TIME", "TIMESTAMP");

  /**
   * JdbcMeta's record of a client's statement keeps the statement it runs in a field only its
   * package reads; a cancel needs that statement's flag while it executes, before it has a result
   * set to reach it through.
   */
  private static final VarHandle STATEMENT;

  static {
    try {
      STATEMENT = MethodHandles.privateLookupIn(StatementInfo.class, MethodHandles.lookup())
          .findVarHandle(StatementInfo.class, "statement", Statement.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(AnnalsMeta.class);
  /** Too many connections (PostgreSQL's code). */
  private static final String TOO_MANY_CONNECTIONS = SqlErrors.TOO_MANY_CONNECTIONS;
  /** Invalid SQL statement name: a statement id the connection does not have. */
  private static final String NOT_YOUR_STATEMENT = "26000";

  /** How JdbcMeta's own settings start, which come to it with the connection properties. */
  private static final String AVATICA_SETTINGS = "avatica.";

  /** The most rows in a result's first frame, as JdbcMeta has it. */
  private static final int FIRST_FRAME_ROWS = 100;

  /** How the clients of a service read frames. */
  enum Wire { PROTOBUF, JSON }

  /** The server's limits: frame rows, the longest a statement may run, the most connections. */
  private final ServerConfig config;
  private final ServerMetrics metrics;
  /**
   * The statements whose current result is a scan read as it is, by statement id. A cursor holds
   * files and memory until it is closed: with its statement, its connection, or by the sweep
   * when JdbcMeta lets either expire ({@link #sweep}).
   */
  private final Map<Integer, ScanCursor> scans = new ConcurrentHashMap<>();
  /** How many requests each connection and statement has under way ({@link #busy}). */
  /** Who opened each connection, with the roles it was given, on a server with users. */
  private final Map<String, Owner> owners = new ConcurrentHashMap<>();
  private final Map<String, Integer> busyConnections = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> busyStatements = new ConcurrentHashMap<>();
  /** Runs {@link #sweep} while the server runs. */
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "annals-idle-sweep");
    thread.setDaemon(true);
    return thread;
  });
  /** How each open connection takes its frames. */
  private final Map<String, ClientFrames> clientFrames = new ConcurrentHashMap<>();
  private final StatementExecutions executions = new StatementExecutions();

  /**
   * How a connection's client takes frames: JDBC's objects (JSON clients, which never get frames
   * written from a scan), or protobuf in Avatica's rows or in columns ({@link ClientProperties#FRAMES}).
   */
  private enum ClientFrames { OBJECTS, ROWS, COLUMNS }

  private record Owner(String user, Set<Role> roles) {}

  AnnalsMeta(String embeddedUrl, ServerConfig config, ServerMetrics metrics) throws SQLException {
    super(embeddedUrl, caches(config.limits().idleTimeoutSeconds()));
    this.config = config;
    this.metrics = metrics;
    metrics.connections(() -> (int) getConnectionCache().size(), () -> (int) getStatementCache().size());
    long every = Math.max(1, Math.min(30, config.limits().idleTimeoutSeconds() / 4));
    sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.SECONDS);
  }

  /**
   * JdbcMeta's settings: connections and statements expire after the idle timeout, and are
   * never evicted to make room (JdbcMeta would drop its least recently used connection beyond
   * 1,000, whoever's it was): the limit on connections is {@link #openConnection}'s.
   */
  private static Properties caches(int idleTimeoutSeconds) {
    Properties caches = new Properties();
    caches.setProperty(ConnectionCacheSettings.MAX_CAPACITY.key(), Long.toString(Long.MAX_VALUE));
    caches.setProperty(StatementCacheSettings.MAX_CAPACITY.key(), Long.toString(Long.MAX_VALUE));
    caches.setProperty(ConnectionCacheSettings.EXPIRY_DURATION.key(), Integer.toString(idleTimeoutSeconds));
    caches.setProperty(ConnectionCacheSettings.EXPIRY_UNIT.key(), TimeUnit.SECONDS.name());
    caches.setProperty(StatementCacheSettings.EXPIRY_DURATION.key(), Integer.toString(idleTimeoutSeconds));
    caches.setProperty(StatementCacheSettings.EXPIRY_UNIT.key(), TimeUnit.SECONDS.name());
    return caches;
  }

  /** JdbcMeta's own settings are no connection property of Calcite's, which would refuse them. */
  @Override
  protected Connection createConnection(String url, Properties info) throws SQLException {
    Properties connection = new Properties();
    info.stringPropertyNames().stream().filter(name -> !name.startsWith(AVATICA_SETTINGS))
        .forEach(name -> connection.setProperty(name, info.getProperty(name)));
    return super.createConnection(url, connection);
  }

  /**
   * Closes what expired connections and statements left: JdbcMeta closes an expired JDBC
   * connection or statement (and so the results Calcite reads), but only once its caches are
   * maintained, which an idle server never does, and it knows nothing of the scan cursors here.
   * Connections and statements with a request under way are used first, so that they never
   * expire while they work; the other lookups here leave the entries' idle time alone.
   */
  private void sweep() {
    try {
      busyConnections.keySet().forEach(id -> getConnectionCache().getIfPresent(id));
      busyStatements.keySet().forEach(id -> getStatementCache().getIfPresent(id));
      getConnectionCache().cleanUp();
      getStatementCache().cleanUp();
      Map<String, Connection> connections = getConnectionCache().asMap();
      Map<Integer, StatementInfo> statements = getStatementCache().asMap();
      closeScans(cursor -> !connections.containsKey(cursor.connectionId())
          || !statements.containsKey(cursor.statementId()));
      clientFrames.keySet().removeIf(id -> !connections.containsKey(id));
      owners.keySet().removeIf(id -> !connections.containsKey(id));
    } catch (RuntimeException e) {
      LOG.warn("sweeping idle connections failed; the next sweep tries again: {}", e.getMessage(), e);
    }
  }

  @Override
  public void openConnection(ConnectionHandle ch, Map<String, String> info) {
    Properties client = properties(info);
    boolean pushdown;
    int timeout;
    RequestUser user = RequestUser.current();
    Set<Role> roles;
    try {
      ClientProperties.check(client);
      pushdown = ClientProperties.pushdown(client);
      ClientProperties.columnFrames(client);
      timeout = ClientProperties.queryTimeoutSeconds(client);
      ClientProperties.asOf(client);
      roles = grantedRoles(user, client);
    } catch (SQLException e) {
      throw ClientErrors.toClient(e);
    }
    // A client may shorten the server's limit, never lengthen it or lift it.
    int serverLimit = config.limits().queryTimeoutSeconds();
    if (serverLimit > 0 && (timeout == 0 || timeout > serverLimit)) {
      timeout = serverLimit;
    }
    Map<String, String> settings = new HashMap<>();
    settings.put(ClientProperties.QUERY_TIMEOUT, Integer.toString(timeout));
    settings.put(ClientProperties.ROLES, Role.labels(roles));
    if (!pushdown) {
      settings.put(ClientProperties.PUSHDOWN, "false");
    }
    if (client.getProperty(ClientProperties.AS_OF) != null) {
      settings.put(ClientProperties.AS_OF, client.getProperty(ClientProperties.AS_OF));
    }
    ServerLimits limits = config.limits();
    synchronized (this) {
      getConnectionCache().cleanUp();
      if (getConnectionCache().size() >= limits.maxConnections()) {
        throw SqlErrors.of(TOO_MANY_CONNECTIONS, "the server has its most connections open (" + limits.maxConnections()
            + "); close one you no longer use, or start the server with a higher --max-connections");
      }
      if (!user.anonymous()) {
        Set<String> open = getConnectionCache().asMap().keySet();
        long held = owners.entrySet().stream()
            .filter(owner -> owner.getValue().user().equals(user.name()) && open.contains(owner.getKey())).count();
        if (held >= limits.maxConnectionsPerUser()) {
          throw SqlErrors.of(TOO_MANY_CONNECTIONS, user.describe() + " has " + held + " connections open, the most one"
              + " user may (--max-connections-per-user); close one you no longer use");
        }
      }
      super.openConnection(ch, settings);
      if (!user.anonymous()) {
        // Noted once open, so that a sweep, which drops the owners of connections not in the cache, keeps it.
        owners.put(ch.id, new Owner(user.name(), roles));
      }
    }
  }

  /**
   * The roles a new connection gets: its user's, or fewer if the client asks for fewer with the
   * {@code roles} property (a reporting tool that should never append, say); never more.
   */
  private static Set<Role> grantedRoles(RequestUser user, Properties client) throws SQLException {
    if (client.getProperty(ClientProperties.ROLES) == null) {
      return user.roles();
    }
    Set<Role> roles = ClientProperties.roles(client);
    if (!user.roles().containsAll(roles)) {
      throw SqlErrors.of(SqlErrors.INSUFFICIENT_PRIVILEGE, user.describe() + " has the roles " + Role.labels(user.roles())
          + ", not " + Role.labels(roles));
    }
    return roles;
  }

  /**
   * Refuses a request for a connection its user did not open (connection ids are the clients'
   * own random UUIDs, but one user must not use another's connection even knowing its id), or
   * whose roles its user no longer has all of (changed in the users file since it opened), except
   * to close it or its statements.
   */
  private void checkUser(String connectionId, boolean closing) {
    RequestUser user = RequestUser.current();
    if (user.anonymous()) {
      return;
    }
    Owner owner = owners.get(connectionId);
    if (owner == null) {
      if (getConnectionCache().getIfPresent(connectionId) != null) {
        throw SqlErrors.of(SqlErrors.INVALID_AUTHORIZATION, "connection " + connectionId + " has no owner");
      }
      return; // JdbcMeta reports a connection it does not have.
    }
    if (!owner.user().equals(user.name())) {
      throw SqlErrors.of(SqlErrors.INVALID_AUTHORIZATION, "connection " + connectionId + " was opened by another user");
    }
    if (!closing && !user.roles().containsAll(owner.roles())) {
      throw SqlErrors.of(SqlErrors.INSUFFICIENT_PRIVILEGE, user.describe() + " no longer has the roles "
          + Role.labels(owner.roles()) + " this connection was opened with; open a new connection");
    }
  }

  /** Refuses a new statement on a connection that holds its most. */
  private void checkStatementRoom(String connectionId) {
    Connection connection = getConnectionCache().getIfPresent(connectionId);
    if (connection == null) {
      return; // JdbcMeta reports the missing connection itself.
    }
    long held = getStatementCache().asMap().values().stream()
        .filter(info -> calciteStatement(info).connection == connection).count();
    int most = config.limits().maxStatementsPerConnection();
    if (held >= most) {
      throw SqlErrors.of(SqlErrors.CONFIGURATION_LIMIT, "connection " + connectionId + " has " + held + " statements open, the"
          + " most one connection may (--max-statements-per-connection); close the ones you no longer use");
    }
  }

  /**
   * Refuses a request that names a statement of another connection: statement ids are numbered
   * across the server, so a client could otherwise fetch, run or close another client's statement
   * by guessing its number. A statement JdbcMeta no longer knows is left to JdbcMeta to report.
   */
  private void checkOwner(StatementHandle h) {
    StatementInfo info = getStatementCache().asMap().get(h.id);
    Connection connection = getConnectionCache().asMap().get(h.connectionId);
    if (info != null && (connection == null || calciteStatement(info).connection != connection)) {
      throw SqlErrors.of(NOT_YOUR_STATEMENT, "connection " + h.connectionId + " has no statement " + h.id);
    }
  }

  /**
   * The Meta a service should use: this one behind a proxy that turns every failure of every
   * method into a client error (SQLState, message, no stack trace), so that no method is missed.
   * Checked exceptions that Avatica handles itself (an unknown statement, say) pass unchanged.
   * How each connection takes its frames is noted as it opens: JDBC's objects through a JSON
   * service, columns where a protobuf client asked for them.
   */
  ProtobufMeta guarded(Wire wire) {
    InvocationHandler handler = (proxy, method, args) -> {
      Object first = args == null || args.length == 0 ? null : args[0];
      String connectionId = first instanceof StatementHandle h ? h.connectionId
          : first instanceof ConnectionHandle ch ? ch.id : null;
      Integer statementId = first instanceof StatementHandle h ? h.id : null;
      busy(connectionId, statementId, 1);
      long started = System.nanoTime();
      String failedWith = null;
      try {
        try {
          if (connectionId != null) {
            checkUser(connectionId, method.getName().startsWith("close"));
          }
          if (first instanceof StatementHandle h) {
            checkOwner(h);
          }
        } catch (RuntimeException e) {
          throw ClientErrors.toClient(e);
        }
        Object result = method.invoke(this, args);
        if (method.getName().equals("openConnection")) {
          @SuppressWarnings("unchecked")
          Map<String, String> info = (Map<String, String>) args[1];
          opened(wire, ((ConnectionHandle) args[0]).id, info);
        }
        return result;
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException || cause instanceof Error && !(cause instanceof VirtualMachineError)) {
          RuntimeException reply = ClientErrors.toClient(cause);
          failedWith = reply instanceof AvaticaRuntimeException error ? error.getSqlState() : ClientErrors.GENERAL;
          throw reply;
        }
        failedWith = ClientErrors.GENERAL;
        throw cause;
      } catch (AvaticaRuntimeException refused) {
        // Refused by the user and owner checks above, before the call.
        failedWith = refused.getSqlState();
        throw refused;
      } finally {
        busy(connectionId, statementId, -1);
        if (EXECUTIONS.contains(method.getName())) {
          metrics.statement(failedWith, System.nanoTime() - started);
        }
        if (failedWith != null) {
          metrics.error("jdbc", failedWith.length() >= 2 ? failedWith.substring(0, 2) : failedWith);
        }
      }
    };
    return (ProtobufMeta) Proxy.newProxyInstance(ProtobufMeta.class.getClassLoader(),
        new Class<?>[] {ProtobufMeta.class}, handler);
  }

  /**
   * Notes a request of a connection (and of one of its statements) starting or ending, and counts
   * it as their use. JdbcMeta's caches expire a connection or statement some time after it was
   * last looked up; JdbcMeta looks a connection up for some requests only, so a long read that only
   * fetches lost its connection, and a request that ran longer than the idle timeout lost its own.
   * So every request uses its connection as it starts and ends, and the sweep uses those with a
   * request under way.
   */
  private void busy(String connectionId, Integer statementId, int change) {
    if (connectionId != null) {
      busyConnections.merge(connectionId, change, (a, b) -> a + b == 0 ? null : a + b);
      getConnectionCache().getIfPresent(connectionId);
    }
    if (statementId != null) {
      busyStatements.merge(statementId, change, (a, b) -> a + b == 0 ? null : a + b);
      getStatementCache().getIfPresent(statementId);
    }
  }

  /**
   * Notes how a connection takes its frames. Noted once open, so that a sweep can only drop
   * connections that have left the cache (expired unclosed), never one still opening.
   */
  private void opened(Wire wire, String connectionId, Map<String, String> info) throws SQLException {
    clientFrames.put(connectionId, wire == Wire.JSON ? ClientFrames.OBJECTS
        : ClientProperties.columnFrames(properties(info)) ? ClientFrames.COLUMNS : ClientFrames.ROWS);
  }

  private static Properties properties(Map<String, String> info) {
    Properties client = new Properties();
    if (info != null) {
      client.putAll(info);
    }
    return client;
  }

  private FrameLayout layout(String connectionId) {
    return clientFrames.get(connectionId) == ClientFrames.COLUMNS ? FrameLayout.COLUMNS : FrameLayout.ROWS;
  }

  /** The frame with its rows to be written as the connection takes them. */
  private Frame laidOut(String connectionId, Frame frame) {
    if (frame == null || layout(connectionId) == FrameLayout.ROWS) {
      return frame;
    }
    List<Object> rows;
    if (frame.rows instanceof List<Object> list) {
      rows = list;
    } else {
      rows = new ArrayList<>();
      frame.rows.forEach(rows::add);
    }
    return new Frame(frame.offset, frame.done, new ColumnRows(rows));
  }

  /**
   * A client may switch between the Annals schemas and set harmless flags; it may not point the
   * connection at another schema. Catalogs, auto-commit off and read-only are not refused but have
   * no effect (see inside).
   */
  @Override
  public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties props) {
    String schema = props.getSchema();
    if (schema != null && !SCHEMAS.contains(schema)) {
      throw SqlErrors.of(SqlErrors.INVALID_SCHEMA, "schema '" + schema + "' does not exist; the"
          + " schemas are " + SCHEMAS);
    }
    // JDBC's rule for a database without catalogs: a catalog set is ignored. Auto-commit stays on
    // (each statement is durable when it returns; there are no transactions) and the connection
    // writable (INSERT works), whatever a client asks: a refusal here would stay in Avatica's
    // client, which sends its settings again with every later sync, and break the connection.
    ConnectionPropertiesImpl wanted = new ConnectionPropertiesImpl().merge(props);
    wanted.setCatalog(null);
    wanted.setAutoCommit(true);
    // No transactions, so no isolation level to choose: JDBC's answer for that is NONE.
    wanted.setTransactionIsolation(Connection.TRANSACTION_NONE);
    return super.connectionSync(ch, wanted).setAutoCommit(true).setReadOnly(false);
  }

  /**
   * Only the Annals schemas: Calcite also lists its own {@code metadata} schema, which a client may
   * not switch to (see {@link #connectionSync}), so a BI tool that offered it failed on choosing it.
   */
  @Override
  public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
    return keeping(super.getSchemas(ch, catalog, schemaPattern), 0, SCHEMAS::contains);
  }

  /** Only the tables of the Annals schemas, as {@link #getSchemas}. */
  @Override
  public MetaResultSet getTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
      List<String> typeList) {
    return keeping(super.getTables(ch, catalog, schemaPattern, tableNamePattern, typeList), 1, SCHEMAS::contains);
  }

  /** No rows: Annals has no catalogs (Calcite listed one, named null). */
  @Override
  public MetaResultSet getCatalogs(ConnectionHandle ch) {
    return keeping(super.getCatalogs(ch), 0, catalog -> false);
  }

  /**
   * The SQL types a client can use with Annals; Calcite also listed its internal ones (MULTISET,
   * CURSOR, COLUMN_LIST, GEOMETRY, unsigned integers, ...), which tools then offered in their
   * type pickers.
   */
  @Override
  public MetaResultSet getTypeInfo(ConnectionHandle ch) {
    return keeping(super.getTypeInfo(ch), 0, CLIENT_TYPES::contains);
  }

  /** Columns as BI tools read them ({@link ColumnsMetadata}), typed tables' with their fields' remarks. */
  @Override
  public MetaResultSet getColumns(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
      Pat columnNamePattern) {
    TypesSchema types;
    try {
      types = getConnection(ch.id).unwrap(CalciteConnection.class).getRootSchema()
          .getSubSchema(TypesSchema.NAME).unwrap(TypesSchema.class);
    } catch (SQLException e) {
      throw ClientErrors.toClient(e);
    }
    return changingRows(super.getColumns(ch, catalog, schemaPattern, tableNamePattern, columnNamePattern),
        frame -> ColumnsMetadata.rewrite(frame, types.remarks()));
  }

  /**
   * A metadata result with only the rows whose cell at the 0-based {@code column} passes: JdbcMeta
   * puts every row of a metadata result in its first frame.
   */
  private static MetaResultSet keeping(MetaResultSet result, int column, Predicate<Object> keep) {
    return changingRows(result, frame -> {
      List<Object> rows = new ArrayList<>();
      for (Object row : frame.rows) {
        if (keep.test(FrameRows.cells(row)[column])) {
          rows.add(row);
        }
      }
      return new Frame(frame.offset, frame.done, rows);
    });
  }

  private static MetaResultSet changingRows(MetaResultSet result, UnaryOperator<Frame> change) {
    if (result.firstFrame == null) {
      return result;
    }
    return MetaResultSet.create(result.connectionId, result.statementId, result.ownStatement, result.signature,
        change.apply(result.firstFrame));
  }

  /** Nothing to do: every statement is durable when it returns (auto-commit is always on). */
  @Override
  public void commit(ConnectionHandle ch) {
  }

  /** Nothing to undo: every statement was committed as it returned (auto-commit is always on). */
  @Override
  public void rollback(ConnectionHandle ch) {
  }

  private int frame(int requested) {
    return Math.min(Math.max(requested, config.limits().rowsPerFrame()), ServerConfig.MAX_ROWS_PER_FRAME);
  }

  /** A prepared statement whose parameters say which Java class they take ({@link ParameterClasses}). */
  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    SqlLimits.check(sql, config.limits());
    checkStatementRoom(ch.id);
    StatementHandle h = super.prepare(ch, sql, maxRowCount);
    h.signature = ParameterClasses.of(h.signature);
    return h;
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    SqlLimits.check(sql, config.limits());
    closeScan(h);
    begin(h);
    try {
      return watched(h, RootScans.watch(() -> super.prepareAndExecute(h, sql, maxRowCount, 1, callback)));
    } catch (RuntimeException e) {
      throw failed(h, e);
    }
  }

  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues,
      int maxRowsInFirstFrame) throws NoSuchStatementException {
    closeScan(h);
    begin(h);
    try {
      return watched(h, RootScans.watch(() -> super.execute(h, parameterValues, 1)));
    } catch (RuntimeException e) {
      throw failed(h, e);
    }
  }

  /**
   * Notes whether the statement's new result is a scan read as it is, whose later frames
   * {@link #fetch} then writes from the scan's batches ({@link ScanCursor}) for protobuf
   * clients; the first frame is always JDBC's, and JSON clients get JDBC's throughout.
   */
  private ExecuteResult watched(StatementHandle h, RootScans.Watched<ExecuteResult> execution) {
    StatementInfo info = getStatementCache().getIfPresent(h.id);
    ExecuteResult result = info == null ? execution.result() : withFirstFrame(info, execution.result(), h.connectionId);
    List<MetaResultSet> results = result.resultSets;
    boolean more = results.size() == 1 && results.get(0).firstFrame != null && !results.get(0).firstFrame.done;
    if (info != null && execution.scan() != null && more && clientFrames.get(h.connectionId) != ClientFrames.OBJECTS) {
      scans.put(h.id, new ScanCursor(h.connectionId, h.id, execution.scan(), info.getResultSet(),
          layout(h.connectionId)));
    }
    return result;
  }

  /**
   * The result with its first frame completed by {@link JdbcFrames}: JdbcMeta is asked for one
   * row only, since it fills a first frame with up to {@link #FIRST_FRAME_ROWS} rows however large
   * they are; the rest of the frame is read here, bounded by bytes as every later frame is.
   */
  private ExecuteResult withFirstFrame(StatementInfo info, ExecuteResult result, String connectionId) {
    if (result.resultSets.size() != 1) {
      return result;
    }
    MetaResultSet r = result.resultSets.get(0);
    if (r.firstFrame == null || r.firstFrame.done || r.signature == null) {
      return result;
    }
    List<Object> rows = new ArrayList<>();
    r.firstFrame.rows.forEach(rows::add);
    Frame rest;
    try {
      rest = JdbcFrames.next(info, rows.size(), FIRST_FRAME_ROWS - rows.size());
    } catch (SQLException e) {
      throw ClientErrors.toClient(e);
    }
    if (rest == null) {
      return result;
    }
    rest.rows.forEach(rows::add);
    Frame first = laidOut(connectionId, new Frame(r.firstFrame.offset, rest.done, rows));
    return new ExecuteResult(List.of(MetaResultSet.create(r.connectionId, r.statementId, r.ownStatement, r.signature,
        first, r.updateCount)));
  }

  @Override
  public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
      throws NoSuchStatementException, MissingResultsException {
    StatementInfo info = getStatementCache().getIfPresent(h.id);
    ScanCursor scan = info == null ? null : scans.get(h.id);
    try {
      if (scan != null) {
        return scan.fetch(offset, frame(fetchMaxRowCount));
      }
      if (info == null || !info.isResultSetInitialized() || info.getResultSet() == null) {
        return super.fetch(h, offset, frame(fetchMaxRowCount));
      }
      Frame frame = JdbcFrames.next(info, offset, frame(fetchMaxRowCount));
      return frame != null ? laidOut(h.connectionId, frame) : super.fetch(h, offset, frame(fetchMaxRowCount));
    } catch (SQLException | RuntimeException e) {
      throw failed(h, e);
    }
  }

  /**
   * A statement's failure as its client should see it: SQLState 57014 if it was cancelled, where
   * Calcite's result reports only "Statement canceled".
   */
  private RuntimeException failed(StatementHandle h, Exception e) {
    StatementInfo info = getStatementCache().getIfPresent(h.id);
    AtomicBoolean flag = info == null ? null : cancelFlag(calciteStatement(info));
    if (flag != null && flag.get()) {
      return executions.stopping() ? StatementExecutions.stopped() : SqlErrors.cancelled();
    }
    return ClientErrors.toClient(e);
  }

  @Override
  public boolean syncResults(StatementHandle h, QueryState state, long offset) throws NoSuchStatementException {
    closeScan(h);
    return super.syncResults(h, state, offset);
  }

  @Override
  public StatementHandle createStatement(ConnectionHandle ch) {
    checkStatementRoom(ch.id);
    return super.createStatement(ch);
  }

  @Override
  public void closeStatement(StatementHandle h) {
    try {
      closeScan(h);
    } finally {
      super.closeStatement(h);
    }
  }

  @Override
  public void closeConnection(ConnectionHandle ch) {
    try {
      closeScans(cursor -> cursor.connectionId().equals(ch.id));
    } finally {
      clientFrames.remove(ch.id);
      owners.remove(ch.id);
      super.closeConnection(ch);
    }
  }

  @Override
  public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
      throws NoSuchStatementException {
    sqlCommands.forEach(sql -> SqlLimits.check(sql, config.limits()));
    closeScan(h);
    begin(h);
    return super.prepareAndExecuteBatch(h, sqlCommands);
  }

  @Override
  public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues)
      throws NoSuchStatementException {
    closeScan(h);
    begin(h);
    return super.executeBatch(h, parameterValues);
  }

  /** Protobuf clients send a batch of parameter sets this way. */
  @Override
  public ExecuteBatchResult executeBatchProtobuf(StatementHandle h, List<Requests.UpdateBatch> parameterValues)
      throws NoSuchStatementException {
    closeScan(h);
    begin(h);
    return super.executeBatchProtobuf(h, parameterValues);
  }

  /**
   * Cancels an execution of a connection's statement ({@link StatementExecutions}): its scans
   * stop between batches and its result at the next row, with SQLState 57014. The thin driver
   * asks for this beside the connection's own requests ({@link CancelHandler}), since those wait
   * in line behind the one running.
   *
   * @param execution the execution's number, 0 for the one running
   * @return false if the connection is not open, has no such statement, or that execution ended
   */
  boolean cancel(String connectionId, int statementId, int execution) {
    checkUser(connectionId, true);
    Connection connection = getConnectionCache().getIfPresent(connectionId);
    StatementInfo info = getStatementCache().getIfPresent(statementId);
    if (connection == null || info == null) {
      return false;
    }
    AvaticaStatement statement = calciteStatement(info);
    if (statement.connection != connection || closed(statement)) {
      return false;
    }
    AtomicBoolean flag = cancelFlag(statement);
    return flag != null && executions.cancel(info, flag, execution);
  }

  /** Refuses new executions and cancels every running one: the server is stopping. */
  void cancelAll() {
    executions.stop();
    for (StatementInfo info : getStatementCache().asMap().values()) {
      AtomicBoolean flag = cancelFlag(calciteStatement(info));
      if (flag != null) {
        flag.set(true);
      }
    }
  }

  /** An execution of the statement starts ({@link StatementExecutions#begin}). */
  private void begin(StatementHandle h) {
    StatementInfo info = getStatementCache().getIfPresent(h.id);
    if (info != null) {
      AtomicBoolean flag = cancelFlag(calciteStatement(info));
      if (flag != null) {
        executions.begin(info, flag);
      }
    }
  }

  /**
   * The flag Calcite's scans ({@link org.apache.calcite.DataContext.Variable#CANCEL_FLAG}) and
   * results read, or null once the statement is closed (asking a closed statement's connection
   * for it would make a new one that nothing reads or removes).
   */
  private static AtomicBoolean cancelFlag(AvaticaStatement statement) {
    if (closed(statement)) {
      return null;
    }
    try {
      return statement.connection.getCancelFlag(statement.handle);
    } catch (NoSuchStatementException closed) {
      return null;
    }
  }

  private static boolean closed(AvaticaStatement statement) {
    try {
      return statement.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  /** The Calcite statement JdbcMeta runs for a client's statement. */
  private static AvaticaStatement calciteStatement(StatementInfo info) {
    return (AvaticaStatement) STATEMENT.get(info);
  }

  /**
   * Closes the statement's scan cursor, if any, before anything else touches its result set: a
   * frame may be being built from it ahead.
   */
  private void closeScan(StatementHandle h) {
    ScanCursor cursor = scans.remove(h.id);
    if (cursor != null) {
      close(cursor);
    }
  }

  /** Closes every cursor that matches, all of them even if one fails (the first failure is thrown). */
  private void closeScans(Predicate<ScanCursor> which) {
    List<ScanCursor> closing = new ArrayList<>();
    scans.values().removeIf(cursor -> which.test(cursor) && closing.add(cursor));
    RuntimeException failure = null;
    for (ScanCursor cursor : closing) {
      try {
        close(cursor);
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void close(ScanCursor cursor) {
    try {
      cursor.close();
    } catch (SQLException e) {
      throw ClientErrors.toClient(e);
    }
  }

  /** Closes every client connection, so that nothing holds the store once the server stops. */
  void closeAllConnections() {
    sweeper.shutdownNow();
    try {
      closeScans(cursor -> true);
    } finally {
      getConnectionCache().invalidateAll();
    }
  }
}
