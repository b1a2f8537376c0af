package org.annals.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Common.WireMessage;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.Test;

/**
 * The thin driver reads every response as Avatica's own translation does: rows with the same
 * values, whether a server sends each scalar once (Annals) or twice (a stock Avatica server).
 */
class ClientProtobufTranslationTest {
  private static final String LOCAL = "org.annals.jdbc.shaded.avatica.proto";
  private static final ByteString BODY = ByteString.copyFromUtf8("the wrapped message");
  private static final String WIRE = ClientProtobufTranslation.WIRE_PACKAGE;

  private final ClientProtobufTranslation translation = new ClientProtobufTranslation();
  private final ProtobufTranslationImpl avatica = new ProtobufTranslationImpl();

  /** One row with a value of every scalar kind Avatica sends, and one with nulls and edge values. */
  private static List<Object> rows() {
    Object[] values = {1L, Long.MIN_VALUE, 42, (short) -7, (byte) 3, 2.5d, 1.25f, true, false, "text",
        "ünïcødé ✓", "", 'c', new byte[] {1, 2, 3}, new BigDecimal("12345.6789"), null,
        new Timestamp(1_700_000_000_123L), new Date(86_400_000L * 19_000), new Time(3_600_000L),
        List.of(1, 2, 3), List.of("a", "b")};
    Object[] edges = new Object[values.length];
    edges[0] = 0L;
    edges[9] = null;
    edges[13] = new byte[0];
    edges[14] = BigDecimal.ZERO;
    edges[19] = List.of();
    return List.of(values, edges);
  }

  private static Meta.Frame frame() {
    return Meta.Frame.create(10_000, false, rows());
  }

  /** The frame as Annals' server writes it: each scalar once, as scalar_value. */
  private static Common.Frame scalarOnly(Meta.Frame frame) {
    Common.Frame.Builder b = Common.Frame.newBuilder().setOffset(frame.offset).setDone(frame.done);
    for (Object row : frame.rows) {
      Common.Row.Builder r = Common.Row.newBuilder();
      for (Object cell : (Object[]) row) {
        Common.ColumnValue.Builder c = Common.ColumnValue.newBuilder();
        if (cell instanceof List<?> list) {
          c.setHasArrayValue(true);
          for (Object item : list) {
            Common.TypedValue.Builder v = Common.TypedValue.newBuilder();
            TypedValue.toProto(v, item);
            c.addArrayValue(v);
          }
        } else {
          Common.TypedValue.Builder v = Common.TypedValue.newBuilder();
          TypedValue.toProto(v, cell);
          c.setScalarValue(v);
        }
        r.addValue(c);
      }
      b.addRows(r);
    }
    return b.build();
  }

  private static byte[] wire(com.google.protobuf.Message message) {
    return WireMessage.newBuilder().setName(message.getClass().getName())
        .setWrappedMessage(message.toByteString()).build().toByteArray();
  }

  private static void assertSameRows(Meta.Frame expected, Meta.Frame actual) {
    assertEquals(expected.offset, actual.offset);
    assertEquals(expected.done, actual.done);
    List<Object[]> want = new ArrayList<>();
    expected.rows.forEach(r -> want.add(((List<?>) r).toArray()));
    List<Object[]> got = new ArrayList<>();
    actual.rows.forEach(r -> got.add(((List<?>) r).toArray()));
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertTrue(Arrays.deepEquals(want.get(i), got.get(i)),
          "row " + i + ": " + Arrays.deepToString(want.get(i)) + " but " + Arrays.deepToString(got.get(i)));
      for (int j = 0; j < want.get(i).length; j++) {
        Object w = want.get(i)[j];
        Object g = got.get(i)[j];
        assertEquals(w == null ? null : w.getClass(), g == null ? null : g.getClass(), "row " + i + " column " + j);
      }
    }
  }

  @Test
  void readsAStockServersFetchResponseAsAvaticaDoes() throws Exception {
    byte[] bytes = avatica.serializeResponse(
        new Service.FetchResponse(frame(), false, true, new Service.RpcMetadataResponse("host:1")));

    Service.FetchResponse want = (Service.FetchResponse) avatica.parseResponse(bytes);
    Service.FetchResponse got = (Service.FetchResponse) translation.parseResponse(bytes);

    assertSameRows(want.frame, got.frame);
    assertEquals(want.missingStatement, got.missingStatement);
    assertEquals(want.missingResults, got.missingResults);
    assertEquals("host:1", got.rpcMetadata.serverAddress);
  }

  @Test
  void readsScalarOnlyFramesAsAvaticaDoes() throws Exception {
    byte[] bytes = wire(Responses.FetchResponse.newBuilder().setFrame(scalarOnly(frame())).build());

    Service.FetchResponse want = (Service.FetchResponse) avatica.parseResponse(bytes);
    Service.FetchResponse got = (Service.FetchResponse) translation.parseResponse(bytes);

    assertSameRows(want.frame, got.frame);
    assertEquals(null, got.rpcMetadata);
    List<?> first = (List<?>) got.frame.rows.iterator().next();
    assertEquals("ünïcødé ✓", first.get(10));
    assertEquals(1_700_000_000_123L, first.get(16));
    assertEquals(List.of(1, 2, 3), first.get(19));
  }

  @Test
  void readsExecuteResponsesWithSignatureFrameAndCounts() throws Exception {
    ColumnMetaData column = ColumnMetaData.dummy(ColumnMetaData.scalar(java.sql.Types.BIGINT, "BIGINT",
        ColumnMetaData.Rep.LONG), false);
    Meta.Signature signature = Meta.Signature.create(List.of(column), "SELECT x FROM t", List.of(),
        Meta.CursorFactory.LIST, Meta.StatementType.SELECT);
    Service.ResultSetResponse rows = new Service.ResultSetResponse("conn-1", 7, true, signature,
        Meta.Frame.create(0, true, List.<Object>of(new Object[] {5L}, new Object[] {6L})), -1,
        new Service.RpcMetadataResponse("host:2"));
    Service.ResultSetResponse count = new Service.ResultSetResponse("conn-1", 8, false, null, null, 3, null);
    byte[] bytes = avatica.serializeResponse(new Service.ExecuteResponse(List.of(rows, count), false, null));

    Service.ExecuteResponse want = (Service.ExecuteResponse) avatica.parseResponse(bytes);
    Service.ExecuteResponse got = (Service.ExecuteResponse) translation.parseResponse(bytes);

    assertEquals(2, got.results.size());
    for (int i = 0; i < 2; i++) {
      Service.ResultSetResponse w = want.results.get(i);
      Service.ResultSetResponse g = got.results.get(i);
      assertEquals(w.connectionId, g.connectionId);
      assertEquals(w.statementId, g.statementId);
      assertEquals(w.ownStatement, g.ownStatement);
      assertEquals(w.signature, g.signature);
      assertEquals(w.updateCount, g.updateCount);
      assertEquals(w.rpcMetadata, g.rpcMetadata);
      if (w.firstFrame == null) {
        assertEquals(null, g.firstFrame);
      } else {
        assertSameRows(w.firstFrame, g.firstFrame);
      }
    }
    assertEquals(signature, got.results.get(0).signature);
    assertEquals(-1, got.results.get(0).updateCount);
    assertEquals(3, got.results.get(1).updateCount);
    assertEquals(got.missingStatement, want.missingStatement);
  }

  @Test
  void handsOtherResponsesToAvatica() throws Exception {
    byte[] bytes = avatica.serializeResponse(new Service.ErrorResponse(List.of("trace"), "no such table",
        42, "42S02", AvaticaSeverity.ERROR, null));

    Service.ErrorResponse error = assertInstanceOf(Service.ErrorResponse.class, translation.parseResponse(bytes));

    assertEquals("no such table", error.errorMessage);
    assertEquals("42S02", error.sqlState);
  }

  private static byte[] wire(String name) {
    return WireMessage.newBuilder().setName(name).setWrappedMessage(BODY).build().toByteArray();
  }

  private static String name(byte[] message) throws InvalidProtocolBufferException {
    return WireMessage.parseFrom(message).getName();
  }

  @Test
  void renamesMessagesBetweenTheLocalAndTheServersPackage() throws Exception {
    byte[] request = ClientProtobufTranslation.rename(wire(LOCAL + ".Requests$OpenConnectionRequest"), LOCAL, WIRE);
    byte[] response = ClientProtobufTranslation.rename(wire(WIRE + ".Responses$OpenConnectionResponse"), WIRE, LOCAL);

    assertEquals("org.apache.calcite.avatica.proto.Requests$OpenConnectionRequest", name(request));
    assertEquals(BODY, WireMessage.parseFrom(request).getWrappedMessage());
    assertEquals(LOCAL + ".Responses$OpenConnectionResponse", name(response));
    assertEquals(BODY, WireMessage.parseFrom(response).getWrappedMessage());
  }

  @Test
  void leavesNamesOutsideThePackageAlone() {
    byte[] sibling = wire(LOCAL + "buf.Message");
    assertArrayEquals(sibling, ClientProtobufTranslation.rename(sibling, LOCAL, WIRE));
  }

  @Test
  void passesWhatIsNotProtobufUnchanged() {
    byte[] html = "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(html, ClientProtobufTranslation.rename(html, WIRE, LOCAL));
  }
}
