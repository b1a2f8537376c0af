package org.annals.jdbc;

import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;

/**
 * Avatica's HTTP client, with the server's HTTP-level refusals (a wrong password, a request too
 * large, a plain request to an HTTPS port, a failed TLS handshake) turned into the error Avatica
 * raises for an answer the server gave: an {@link AvaticaClientRuntimeException} with an SQLState
 * and a message that says what to change ({@link ServerErrors#httpRefusal}). Avatica's client
 * reported them as an unchecked "got HTTP/401"; translated here, once, every JDBC call reports
 * them as it reports any other server error. Thread-safe if the client is.
 */
final class RefusalsAsErrors implements AvaticaHttpClient {
  private final AvaticaHttpClient client;

  RefusalsAsErrors(AvaticaHttpClient client) {
    this.client = client;
  }

  @Override
  public byte[] send(byte[] request) {
    try {
      return client.send(request);
    } catch (AvaticaClientRuntimeException answered) {
      throw answered;
    } catch (RuntimeException e) {
      AvaticaClientRuntimeException refusal = ServerErrors.httpRefusal(e);
      throw refusal != null ? refusal : e;
    }
  }
}
