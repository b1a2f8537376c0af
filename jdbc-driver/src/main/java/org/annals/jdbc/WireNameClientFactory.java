package org.annals.jdbc;

import java.net.URL;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.proto.Common.WireMessage;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.AvaticaHttpClientFactory;
import org.apache.calcite.avatica.remote.AvaticaHttpClientFactoryImpl;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.apache.calcite.avatica.remote.KerberosConnection;

/**
 * The HTTP client factory of every Annals connection (Avatica's {@code httpclient_factory}):
 * Avatica's own client, wrapped in a {@link WireNameClient} when protobuf messages need their
 * names moved, that is, when Avatica's classes are relocated. Stateless and thread-safe.
 */
public final class WireNameClientFactory implements AvaticaHttpClientFactory {
  /** Avatica's plugin loader takes this instance instead of calling a constructor. */
  public static final WireNameClientFactory INSTANCE = new WireNameClientFactory();

  private WireNameClientFactory() {}

  @Override
  public AvaticaHttpClient getClient(URL url, ConnectionConfig config,
      KerberosConnection kerberos) {
    AvaticaHttpClient client =
        AvaticaHttpClientFactoryImpl.getInstance().getClient(url, config, kerberos);
    String localPackage = WireMessage.class.getPackageName();
    boolean protobuf = Serialization.PROTOBUF.name().equalsIgnoreCase(config.serialization());
    if (!protobuf || localPackage.equals(WireNameClient.WIRE_PACKAGE)) {
      return client;
    }
    return new WireNameClient(client, localPackage, WireNameClient.WIRE_PACKAGE);
  }
}
