package org.annals.engine.server;

import java.io.IOException;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import com.google.protobuf.Message;

/**
 * Avatica's protobuf translation, except that result frames carry each value once. Avatica's own
 * {@code Frame.toProto} writes every scalar twice, as {@code scalar_value} and again in the
 * {@code value} list that only pre-1.7 clients read, so a frame took twice the bytes of the JSON
 * one and both ends built and parsed twice the messages (JFR: two thirds of the server's time in
 * a {@code SELECT *} went to serializing frames). Every Avatica client since 1.7 reads
 * {@code scalar_value} ({@code Frame.isNewStyleColumn}); array values keep Avatica's encoding.
 * Everything else is delegated unchanged. Thread-safe.
 */
final class ScalarFrameTranslation implements ProtobufTranslation {
  private final ProtobufTranslationImpl avatica = new ProtobufTranslationImpl();

  @Override
  public byte[] serializeResponse(Service.Response response) throws IOException {
    Message message;
    if (response instanceof Service.FetchResponse f && f.frame != null) {
      Responses.FetchResponse.Builder b = Responses.FetchResponse.newBuilder()
          .setFrame(frame(f.frame)).setMissingStatement(f.missingStatement).setMissingResults(f.missingResults);
      if (f.rpcMetadata != null) {
        b.setMetadata(metadata(f.rpcMetadata));
      }
      message = b.build();
    } else if (response instanceof Service.ExecuteResponse e && e.results != null) {
      Responses.ExecuteResponse.Builder b = Responses.ExecuteResponse.newBuilder()
          .setMissingStatement(e.missingStatement);
      for (Service.ResultSetResponse r : e.results) {
        b.addResults(resultSet(r));
      }
      if (e.rpcMetadata != null) {
        b.setMetadata(metadata(e.rpcMetadata));
      }
      message = b.build();
    } else if (response instanceof Service.ResultSetResponse r) {
      message = resultSet(r);
    } else {
      return avatica.serializeResponse(response);
    }
    return Common.WireMessage.newBuilder().setName(message.getClass().getName())
        .setWrappedMessage(message.toByteString()).build().toByteArray();
  }

  private static Responses.ResultSetResponse resultSet(Service.ResultSetResponse r) {
    Responses.ResultSetResponse.Builder b = Responses.ResultSetResponse.newBuilder()
        .setConnectionId(r.connectionId).setStatementId(r.statementId).setOwnStatement(r.ownStatement)
        .setUpdateCount(r.updateCount);
    if (r.signature != null) {
      b.setSignature(r.signature.toProto());
    }
    if (r.firstFrame != null) {
      b.setFirstFrame(frame(r.firstFrame));
    }
    if (r.rpcMetadata != null) {
      b.setMetadata(metadata(r.rpcMetadata));
    }
    return b.build();
  }

  private static Responses.RpcMetadata metadata(Service.RpcMetadataResponse m) {
    Responses.RpcMetadata.Builder b = Responses.RpcMetadata.newBuilder();
    if (m.serverAddress != null) {
      b.setServerAddress(m.serverAddress);
    }
    return b.build();
  }

  /** A frame with each scalar once, as {@code scalar_value}. */
  static Common.Frame frame(Meta.Frame frame) {
    Common.Frame.Builder b = Common.Frame.newBuilder().setOffset(frame.offset).setDone(frame.done);
    Common.Row.Builder row = Common.Row.newBuilder();
    Common.ColumnValue.Builder column = Common.ColumnValue.newBuilder();
    Common.TypedValue.Builder value = Common.TypedValue.newBuilder();
    for (Object r : frame.rows) {
      if (r == null) {
        continue;
      }
      row.clear();
      if (r instanceof Object[] cells) {
        for (Object cell : cells) {
          row.addValue(cell(cell, column, value));
        }
      } else {
        for (Object cell : (Iterable<?>) r) {
          row.addValue(cell(cell, column, value));
        }
      }
      b.addRows(row.build());
    }
    return b.build();
  }

  private static Common.ColumnValue cell(Object cell, Common.ColumnValue.Builder column, Common.TypedValue.Builder value) {
    column.clear();
    if (cell instanceof List<?> list) {
      column.setHasArrayValue(true);
      for (Object item : list) {
        value.clear();
        TypedValue.toProto(value, item);
        column.addArrayValue(value.build());
      }
    } else {
      value.clear();
      TypedValue.toProto(value, cell);
      column.setScalarValue(value.build());
    }
    return column.build();
  }

  @Override
  public byte[] serializeRequest(Service.Request request) throws IOException {
    return avatica.serializeRequest(request);
  }

  @Override
  public Service.Request parseRequest(byte[] bytes) throws IOException {
    return avatica.parseRequest(bytes);
  }

  @Override
  public Service.Response parseResponse(byte[] bytes) throws IOException {
    return avatica.parseResponse(bytes);
  }
}
