package org.annals.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.BuiltInConnectionProperty;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.InternalProperty;
import org.apache.calcite.avatica.remote.CommonsHttpClientPoolCache;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;

/**
 * The thin JDBC driver: {@code jdbc:annals://host:port[/][?ssl=true][&serialization=protobuf|json][&pushdown=true|false][&as_of=...]}
 * is Avatica's remote client talking to an Annals server over HTTP or HTTPS. JDBC's {@code user} and
 * {@code password} become HTTP BASIC authentication; Avatica's {@code truststore} and
 * {@code truststore_password} name the certificates an HTTPS server's is checked against (the
 * JVM's own otherwise). It registers itself with
 * DriverManager when loaded and is listed in {@code META-INF/services/java.sql.Driver}. URLs of the
 * in-process driver ({@code jdbc:annals:embedded:}) are not its own. Thread-safe.
 *
 * <p>The URL decides the server address, the serialization and the service factory, over any
 * connection property of the same name; Avatica keeps its own client settings and sends every
 * other property to the server, which decides what it accepts.
 */
public final class Driver extends org.apache.calcite.avatica.remote.Driver {
  /** Where Maven writes the version; read through the class loader, so no leading slash. */
  static final String VERSION_RESOURCE = "org/annals/jdbc/annals-jdbc.properties";
  /** How the server is to send result frames: {@code columns} (the driver's default) or Avatica's {@code rows}. */
  static final String FRAMES = "frames";
  static final String USER = "user";
  static final String PASSWORD = "password";

  /**
   * Avatica's HTTP client logs at INFO on every connection that names a trust store; an
   * application's log is no place for that. Held here, as JUL keeps loggers weakly.
   */
  private static final java.util.logging.Logger POOL_LOG =
      java.util.logging.Logger.getLogger(CommonsHttpClientPoolCache.class.getName());

  static {
    POOL_LOG.setLevel(java.util.logging.Level.WARNING);
    new Driver().register();
  }

  /** Avatica's factory, with the driver's own connection and result set in it. */
  @Override
  protected AvaticaFactory createFactory() {
    return new AnnalsFactory(super.createFactory());
  }

  @Override
  protected String getConnectStringPrefix() {
    return AnnalsUrl.PREFIX;
  }

  @Override
  protected DriverVersion createDriverVersion() {
    return DriverVersion.load(Driver.class, VERSION_RESOURCE,
        "Annals JDBC Driver", "unknown version", "Annals", "unknown version");
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    AnnalsUrl server = AnnalsUrl.parse(url);
    try {
      Properties properties = avaticaProperties(server, info);
      AvaticaConnection connection = factory.newConnection(this, factory, url, properties);
      // How the server treats names, which Avatica's DatabaseMetaData reports from these (its
      // remote client never fills them, and its defaults, upper case, made sqlline's !columns
      // and !describe look for EVENTS and find nothing).
      connection.properties.put(InternalProperty.CASE_SENSITIVE, true);
      connection.properties.put(InternalProperty.UNQUOTED_CASING, Casing.TO_LOWER);
      connection.properties.put(InternalProperty.QUOTED_CASING, Casing.UNCHANGED);
      connection.properties.put(InternalProperty.QUOTING, Quoting.DOUBLE_QUOTE);
      handler.onConnectionInit(connection);
      // As Avatica's remote driver opens a connection; serializeProperties leaves out the
      // properties that Avatica keeps on the client (url, serialization, httpclient_factory, ...).
      connection.getService().apply(new Service.OpenConnectionRequest(connection.id,
          Service.OpenConnectionRequest.serializeProperties(properties)));
      return connection;
    } catch (AvaticaClientRuntimeException e) {
      // The server answered with an error: its SQLState and code reach the caller.
      SQLException refused = ServerErrors.of(e);
      throw new SQLException("Could not open a connection to " + url + ": " + refused.getMessage(),
          refused.getSQLState(), refused.getErrorCode(), e);
    } catch (RuntimeException e) {
      // Avatica's HTTP client reports I/O failures unchecked; a JDBC caller expects SQLException.
      String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      throw new SQLException("Could not connect to the Annals server at " + server.httpUrl()
          + " (" + url + "): " + reason, "08001", e);
    }
  }

  /** The caller's properties with the URL's settings over them. */
  static Properties avaticaProperties(AnnalsUrl server, Properties info) {
    Properties properties = new Properties();
    if (info != null) {
      for (String name : info.stringPropertyNames()) {
        properties.setProperty(name, info.getProperty(name));
      }
    }
    properties.setProperty(BuiltInConnectionProperty.URL.camelName(), server.httpUrl());
    properties.setProperty(BuiltInConnectionProperty.SERIALIZATION.camelName(),
        server.serialization().name());
    properties.setProperty(BuiltInConnectionProperty.FACTORY.camelName(), ClientServiceFactory.class.getName());
    if (server.pushdown() != null) {
      properties.setProperty(AnnalsUrl.PUSHDOWN, server.pushdown());
    }
    if (server.asOf() != null) {
      properties.setProperty(AnnalsUrl.AS_OF, server.asOf());
    }
    // JDBC's user and password travel as HTTP BASIC authentication on every request; the password
    // is never sent as a connection property, where the server would see it in clear among the settings.
    String user = properties.getProperty(USER);
    String password = (String) properties.remove(PASSWORD);
    if (user != null && !user.isEmpty()) {
      properties.setProperty(BuiltInConnectionProperty.AUTHENTICATION.camelName(), "BASIC");
      properties.setProperty(BuiltInConnectionProperty.AVATICA_USER.camelName(), user);
      properties.setProperty(BuiltInConnectionProperty.AVATICA_PASSWORD.camelName(), password == null ? "" : password);
    }
    // Frames in columns are smaller on the wire than Avatica's rows; a caller may still ask for rows.
    if (properties.getProperty(FRAMES) == null) {
      properties.setProperty(FRAMES, "columns");
    }
    return properties;
  }
}
