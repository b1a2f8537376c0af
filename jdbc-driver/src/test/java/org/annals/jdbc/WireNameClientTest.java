package org.annals.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.avatica.proto.Common.WireMessage;
import org.junit.jupiter.api.Test;

class WireNameClientTest {
  private static final String LOCAL = "org.annals.jdbc.shaded.avatica.proto";
  private static final ByteString BODY = ByteString.copyFromUtf8("the wrapped message");

  private static byte[] wire(String name) {
    return WireMessage.newBuilder().setName(name).setWrappedMessage(BODY).build().toByteArray();
  }

  private static String name(byte[] message) throws InvalidProtocolBufferException {
    return WireMessage.parseFrom(message).getName();
  }

  @Test
  void renamesRequestsToTheServersNamesAndResponsesBack() throws Exception {
    AtomicReference<byte[]> sent = new AtomicReference<>();
    WireNameClient client = new WireNameClient(request -> {
      sent.set(request);
      return wire(WireNameClient.WIRE_PACKAGE + ".Responses$OpenConnectionResponse");
    }, LOCAL, WireNameClient.WIRE_PACKAGE);

    byte[] response = client.send(wire(LOCAL + ".Requests$OpenConnectionRequest"));

    assertEquals("org.apache.calcite.avatica.proto.Requests$OpenConnectionRequest",
        name(sent.get()));
    assertEquals(BODY, WireMessage.parseFrom(sent.get()).getWrappedMessage());
    assertEquals(LOCAL + ".Responses$OpenConnectionResponse", name(response));
    assertEquals(BODY, WireMessage.parseFrom(response).getWrappedMessage());
  }

  @Test
  void leavesNamesOutsideThePackageAlone() {
    byte[] sibling = wire(LOCAL + "buf.Message");
    assertArrayEquals(sibling, WireNameClient.rename(sibling, LOCAL, WireNameClient.WIRE_PACKAGE));
  }

  @Test
  void passesWhatIsNotProtobufUnchanged() {
    byte[] html = "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(html, WireNameClient.rename(html, WireNameClient.WIRE_PACKAGE, LOCAL));
  }
}
