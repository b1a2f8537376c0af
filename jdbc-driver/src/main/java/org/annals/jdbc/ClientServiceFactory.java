package org.annals.jdbc;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.apache.calcite.avatica.remote.RemoteProtobufService;
import org.apache.calcite.avatica.remote.RemoteService;
import org.apache.calcite.avatica.remote.Service;

/**
 * The service of every thin-driver connection (Avatica's {@code factory} property): Avatica's
 * remote services over Avatica's HTTP client, the protobuf one with
 * {@link ClientProtobufTranslation}, each behind a {@link PrefetchingService}. Stateless and
 * thread-safe.
 */
public final class ClientServiceFactory implements Service.Factory {
  /** Avatica's plugin loader takes this instance instead of calling a constructor. */
  public static final ClientServiceFactory INSTANCE = new ClientServiceFactory();

  private ClientServiceFactory() {}

  @Override
  public Service create(AvaticaConnection connection) {
    ConnectionConfig config = connection.config();
    URL url;
    try {
      url = new URI(config.url()).toURL();
    } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a server address: " + config.url(), e);
    }
    AvaticaHttpClient client = new RefusalsAsErrors(
        config.httpClientFactory().getClient(url, config, connection.getKerberosConnection()));
    Service service = Serialization.JSON.name().equalsIgnoreCase(config.serialization())
        ? new RemoteService(client)
        : new RemoteProtobufService(client, new ClientProtobufTranslation());
    PrefetchingService requests = new PrefetchingService(service);
    if (connection instanceof AnnalsConnection annals) {
      annals.useRequests(requests);
    }
    return requests;
  }
}
