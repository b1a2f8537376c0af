package org.annals.jdbc;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.calcite.avatica.proto.Common.WireMessage;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;

/**
 * Gives Avatica's protobuf messages the names an Avatica server knows. Avatica names each message
 * on the wire by the Java class name of its protobuf class; in the shaded jar those classes live in
 * a relocated package, so a request's name is moved to {@link #WIRE_PACKAGE} on its way out and the
 * response's name back on its way in. Without this a server answers every protobuf request with
 * "Cannot find request parser". Thread-safe if the client it wraps is.
 */
final class WireNameClient implements AvaticaHttpClient {
  /**
   * Avatica's protobuf package as servers name it. The relocation in pom.xml excludes exactly this
   * string so that it survives shading while the classes of that package move. Never append to it
   * in a constant expression: the compiler would fold the result into a new string that shading
   * rewrites.
   */
  static final String WIRE_PACKAGE = "org.apache.calcite.avatica.proto";

  private final AvaticaHttpClient client;
  private final String localPackage;
  private final String wirePackage;

  WireNameClient(AvaticaHttpClient client, String localPackage, String wirePackage) {
    this.client = client;
    this.localPackage = localPackage;
    this.wirePackage = wirePackage;
  }

  @Override
  public byte[] send(byte[] request) {
    byte[] response = client.send(rename(request, localPackage, wirePackage));
    return rename(response, wirePackage, localPackage);
  }

  /** The message with its name moved from one package to the other, if it is in the first. */
  static byte[] rename(byte[] message, String fromPackage, String toPackage) {
    WireMessage wire;
    try {
      wire = WireMessage.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      // Not protobuf (a proxy's HTML error page, say): Avatica's own parser reports it together
      // with the body, so it goes on unchanged.
      return message;
    }
    String name = wire.getName();
    String prefix = fromPackage + ".";
    if (!name.startsWith(prefix)) {
      return message;
    }
    String renamed = toPackage + "." + name.substring(prefix.length());
    return wire.toBuilder().setName(renamed).build().toByteArray();
  }
}
