package org.annals.engine.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.Test;

/**
 * Frames written with each value once read back, through Avatica's own stock parser, exactly as
 * the frames Avatica writes itself, in fewer bytes.
 */
class ScalarFrameTranslationTest {
  private final ProtobufTranslationImpl avatica = new ProtobufTranslationImpl();
  private final ScalarFrameTranslation scalar = new ScalarFrameTranslation();

  private static Meta.Frame frame() {
    List<Object> rows = new ArrayList<>();
    rows.add(new Object[] {"orders", 42L, null, 1_790_000_000_000L, "{\"a\":1}", true, 2.5, 7, new byte[] {1, 2},
        new BigDecimal("12.30"), new Timestamp(1_700_000_000_123L)});
    rows.add(new Object[] {"é✓", -1L, "order-1", 0L, null, false, -0.0, Integer.MIN_VALUE, new byte[0], null, new Timestamp(0)});
    rows.add(new Object[] {"", Long.MAX_VALUE, "", Long.MIN_VALUE, "x", null, null, null, null, BigDecimal.ZERO, (short) 3});
    rows.add(new Object[] {"arrays", 1L, List.of(1L, 2L), 2L, List.of("a", "b"), true, 1.0, 1, new byte[] {3}, null, 'c'});
    return new Meta.Frame(10, false, rows);
  }

  private static void assertSameRows(Meta.Frame expected, Meta.Frame actual) {
    assertEquals(expected.offset, actual.offset);
    assertEquals(expected.done, actual.done);
    List<Object> e = new ArrayList<>();
    expected.rows.forEach(e::add);
    List<Object> a = new ArrayList<>();
    actual.rows.forEach(a::add);
    assertEquals(e.size(), a.size());
    for (int i = 0; i < e.size(); i++) {
      List<?> er = (List<?>) e.get(i);
      List<?> ar = (List<?>) a.get(i);
      assertEquals(er.size(), ar.size());
      for (int j = 0; j < er.size(); j++) {
        if (er.get(j) instanceof byte[] bytes) {
          assertArrayEquals(bytes, (byte[]) ar.get(j), "row " + i + " column " + j);
        } else {
          assertEquals(er.get(j), ar.get(j), "row " + i + " column " + j);
        }
      }
    }
  }

  @Test
  void aFetchReadsBackAsAvaticasOwnFrameInFewerBytes() throws Exception {
    Service.FetchResponse response = new Service.FetchResponse(frame(), false, true,
        new Service.RpcMetadataResponse("server:1"));
    byte[] ours = scalar.serializeResponse(response);
    byte[] theirs = avatica.serializeResponse(response);
    Service.FetchResponse read = (Service.FetchResponse) avatica.parseResponse(ours);
    Service.FetchResponse expected = (Service.FetchResponse) avatica.parseResponse(theirs);
    assertSameRows(expected.frame, read.frame);
    assertEquals(expected.missingResults, read.missingResults);
    assertEquals(expected.missingStatement, read.missingStatement);
    assertEquals(expected.rpcMetadata, read.rpcMetadata);
    assertTrue(ours.length < theirs.length * 0.75, ours.length + " bytes against Avatica's " + theirs.length);
  }

  @Test
  void anExecuteAndAResultSetKeepTheirSignatureCountsAndFirstFrame() throws Exception {
    ColumnMetaData column = ColumnMetaData.dummy(ColumnMetaData.scalar(java.sql.Types.VARCHAR, "VARCHAR",
        ColumnMetaData.Rep.STRING), true);
    Meta.Signature signature = Meta.Signature.create(List.of(column), "SELECT x", List.of(),
        Meta.CursorFactory.ARRAY, Meta.StatementType.SELECT);
    Service.ResultSetResponse first = new Service.ResultSetResponse("c1", 7, true, signature, frame(), -1,
        new Service.RpcMetadataResponse("server:1"));
    Service.ResultSetResponse count = new Service.ResultSetResponse("c1", 8, false, null, null, 3, null);
    Service.ExecuteResponse execute = new Service.ExecuteResponse(List.of(first, count), false,
        new Service.RpcMetadataResponse("server:1"));
    Service.ExecuteResponse read = (Service.ExecuteResponse) avatica.parseResponse(scalar.serializeResponse(execute));
    Service.ExecuteResponse expected = (Service.ExecuteResponse) avatica.parseResponse(avatica.serializeResponse(execute));
    assertEquals(2, read.results.size());
    for (int i = 0; i < 2; i++) {
      Service.ResultSetResponse r = read.results.get(i);
      Service.ResultSetResponse x = expected.results.get(i);
      assertEquals(x.connectionId, r.connectionId);
      assertEquals(x.statementId, r.statementId);
      assertEquals(x.ownStatement, r.ownStatement);
      assertEquals(x.updateCount, r.updateCount);
      assertEquals(x.signature, r.signature);
      assertEquals(x.rpcMetadata, r.rpcMetadata);
    }
    assertSameRows(expected.results.get(0).firstFrame, read.results.get(0).firstFrame);
    Service.ResultSetResponse alone = (Service.ResultSetResponse) avatica.parseResponse(scalar.serializeResponse(first));
    assertSameRows(expected.results.get(0).firstFrame, alone.firstFrame);
    assertEquals(signature, alone.signature);
  }
}
