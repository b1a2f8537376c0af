package org.annals.engine.jdbc;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;
import org.annals.engine.AnnalsVersion;
import org.annals.engine.security.Role;
import org.annals.engine.sql.AsOf;
import org.annals.engine.sql.ConnectionSettings;
import org.annals.engine.sql.EventSchema;
import org.annals.engine.sql.SystemSchema;
import org.annals.engine.sql.TypesSchema;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Handler;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.schema.SchemaPlus;

/**
 * JDBC in process: {@code jdbc:annals:embedded:<data folder>} opens the folder (or shares the
 * store already open in this process) and gives a Calcite connection whose default schema is
 * {@code annals}, with {@code annals_system} beside it and nothing else.
 */
public final class EmbeddedDriver extends org.apache.calcite.jdbc.Driver {
  public static final String PREFIX = "jdbc:annals:embedded:";

  static {
    new EmbeddedDriver().register();
  }

  @Override
  protected String getConnectStringPrefix() {
    return PREFIX;
  }

  public EmbeddedDriver() {
    super(AnnalsPrepare::new);
  }

  @Override
  protected DriverVersion createDriverVersion() {
    return new DriverVersion("Annals embedded JDBC", AnnalsVersion.VERSION, "Annals",
        AnnalsVersion.VERSION, true, AnnalsVersion.part(0), AnnalsVersion.part(1),
        AnnalsVersion.part(0), AnnalsVersion.part(1));
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    String folder = url.substring(PREFIX.length()).trim();
    if (folder.isEmpty()) {
      throw new SQLException("the URL " + url + " names no data folder; use " + PREFIX
          + "<data folder>, e.g. " + PREFIX + "/var/lib/annals", "08001");
    }
    ClientProperties.check(info);
    // Checked though it changes nothing in process: a bad value is refused wherever it is given.
    ClientProperties.columnFrames(info);
    Properties props = ClientProperties.calciteSettings();
    props.setProperty(ClientProperties.PUSHDOWN_SETTING, Boolean.toString(ClientProperties.pushdown(info)));
    props.setProperty(ClientProperties.QUERY_TIMEOUT_SETTING,
        Integer.toString(ClientProperties.queryTimeoutSeconds(info)));
    props.setProperty(ClientProperties.ROLES_SETTING, Role.labels(ClientProperties.roles(info)));
    ClientProperties.asOf(info);
    if (info != null && info.getProperty(ClientProperties.AS_OF) != null) {
      props.setProperty(ClientProperties.AS_OF_SETTING, info.getProperty(ClientProperties.AS_OF));
    }
    try {
      props.setProperty(ClientProperties.DATA_FOLDER, Path.of(folder).toAbsolutePath().toString());
    } catch (InvalidPathException e) {
      throw new SQLException("'" + folder + "' is not a valid folder path: " + e.getMessage(), "08001");
    }
    return super.connect(PREFIX, props);
  }

  @Override
  protected Handler createHandler() {
    Handler calcite = super.createHandler();
    return new Handler() {
      @Override
      public void onConnectionInit(AvaticaConnection connection) throws SQLException {
        calcite.onConnectionInit(connection);
        attachStore(connection);
      }

      @Override
      public void onConnectionClose(AvaticaConnection connection) {
        calcite.onConnectionClose(connection);
        try {
          StoreRegistry.release(folderOf(connection));
        } catch (IOException | SQLException e) {
          throw new IllegalStateException("closing the store failed: " + e.getMessage(), e);
        }
      }

      @Override
      public void onStatementExecute(AvaticaStatement statement, ResultSink resultSink) {
        calcite.onStatementExecute(statement, resultSink);
      }

      @Override
      public void onStatementClose(AvaticaStatement statement) {
        calcite.onStatementClose(statement);
      }
    };
  }

  private static void attachStore(AvaticaConnection connection) throws SQLException {
    Path folder = folderOf(connection);
    try {
      CalciteConnection calcite = connection.unwrap(CalciteConnection.class);
      SchemaPlus root = calcite.getRootSchema();
      var store = StoreRegistry.acquire(folder);
      Properties settings = calcite.getProperties();
      boolean pushdown = Boolean.parseBoolean(settings.getProperty(ClientProperties.PUSHDOWN_SETTING, "true"));
      long timeoutMillis = 1000L * Integer.parseInt(settings.getProperty(ClientProperties.QUERY_TIMEOUT_SETTING, "0"));
      Set<Role> roles = Role.parseList(settings.getProperty(ClientProperties.ROLES_SETTING));
      String asOf = settings.getProperty(ClientProperties.AS_OF_SETTING);
      EventSchema events = new EventSchema(store,
          new ConnectionSettings(pushdown, timeoutMillis, roles, asOf == null ? AsOf.NOW : AsOf.parse(asOf)));
      uncached(root.add(EventSchema.NAME, events));
      uncached(root.add(TypesSchema.NAME, new TypesSchema(store, events)));
      root.add(SystemSchema.NAME, new SystemSchema(store, calcite.config().fun(SqlOperatorTable.class,
          SqlStdOperatorTable.instance())));
      calcite.setSchema(EventSchema.NAME);
    } catch (IOException e) {
      throw new SQLException("cannot open the data folder " + folder + ": " + e.getMessage(), "08001", e);
    }
  }

  /**
   * Turns Calcite's cache of a schema's table names off, so that a table that appears (a
   * stream's, a typed one) is listed by DatabaseMetaData at once, as the planner finds it. Calcite
   * makes the name lookup on first use and caches through it unless caching was off by then, so
   * it is made first.
   */
  private static void uncached(SchemaPlus schema) {
    schema.tables();
    schema.setCacheEnabled(false);
  }

  private static Path folderOf(AvaticaConnection connection) throws SQLException {
    String folder = connection.unwrap(CalciteConnection.class).getProperties()
        .getProperty(ClientProperties.DATA_FOLDER);
    return Path.of(folder);
  }
}
