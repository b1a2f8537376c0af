package org.annals.engine.server;

import java.io.IOException;
import java.util.Arrays;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;

/**
 * Avatica's protobuf translation, except that result frames carry each value once. Avatica's own
 * {@code Frame.toProto} writes every scalar twice, as {@code scalar_value} and again in the
 * {@code value} list that only pre-1.7 clients read, so a frame took twice the bytes of the JSON
 * one and both ends built and parsed twice the messages (JFR: two thirds of the server's time in
 * a {@code SELECT *} went to serializing frames). Every Avatica client since 1.7 reads
 * {@code scalar_value} ({@code Frame.isNewStyleColumn}); array values keep Avatica's encoding.
 * Frames are written by {@link FrameEncoder} and put into the response as bytes; error replies
 * lose Avatica's stack traces ({@link ErrorReplies}); everything else is delegated unchanged.
 * Thread-safe.
 */
final class ScalarFrameTranslation implements ProtobufTranslation {
  // Field numbers, as the generated message classes give them.
  private static final int WIRE_NAME = Common.WireMessage.NAME_FIELD_NUMBER;
  private static final int WIRE_MESSAGE = Common.WireMessage.WRAPPED_MESSAGE_FIELD_NUMBER;
  private final ProtobufTranslationImpl avatica = new ProtobufTranslationImpl();

  @Override
  public byte[] serializeResponse(Service.Response response) throws IOException {
    Message message;
    byte[] body;
    if (response instanceof Service.FetchResponse f && f.frame != null) {
      Responses.FetchResponse.Builder b = Responses.FetchResponse.newBuilder()
          .setMissingStatement(f.missingStatement).setMissingResults(f.missingResults);
      if (f.rpcMetadata != null) {
        b.setMetadata(metadata(f.rpcMetadata));
      }
      return fetch(b.build(), FrameEncoder.encode(f.frame));
    } else if (response instanceof Service.ExecuteResponse e && e.results != null) {
      Responses.ExecuteResponse.Builder b = Responses.ExecuteResponse.newBuilder()
          .setMissingStatement(e.missingStatement);
      if (e.rpcMetadata != null) {
        b.setMetadata(metadata(e.rpcMetadata));
      }
      message = b.build();
      body = message.toByteArray();
      for (Service.ResultSetResponse r : e.results) {
        body = withField(body, Responses.ExecuteResponse.RESULTS_FIELD_NUMBER, resultSet(r));
      }
    } else if (response instanceof Service.ResultSetResponse r) {
      message = Responses.ResultSetResponse.getDefaultInstance();
      body = resultSet(r);
    } else if (response instanceof Service.ErrorResponse error) {
      return avatica.serializeResponse(ErrorReplies.safe(error));
    } else {
      return avatica.serializeResponse(response);
    }
    return Common.WireMessage.newBuilder().setName(message.getClass().getName())
        .setWrappedMessage(UnsafeByteOperations.unsafeWrap(body)).build().toByteArray();
  }

  /**
   * A fetch response written once, into an array of its exact size: a frame of thousands of
   * rows is megabytes, and every copy of it is work and garbage.
   */
  private static byte[] fetch(Responses.FetchResponse rest, FrameEncoder.Encoded frame) throws IOException {
    byte[] restBytes = rest.toByteArray();
    int frameField = Responses.FetchResponse.FRAME_FIELD_NUMBER;
    int body = restBytes.length + CodedOutputStream.computeTagSize(frameField)
        + CodedOutputStream.computeUInt32SizeNoTag(frame.size()) + frame.size();
    String name = rest.getClass().getName();
    int size = CodedOutputStream.computeStringSize(WIRE_NAME, name) + CodedOutputStream.computeTagSize(WIRE_MESSAGE)
        + CodedOutputStream.computeUInt32SizeNoTag(body) + body;
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    o.writeString(WIRE_NAME, name);
    o.writeTag(WIRE_MESSAGE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(body);
    o.writeRawBytes(restBytes);
    o.writeTag(frameField, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(frame.size());
    frame.writeTo(o);
    o.checkNoSpaceLeft();
    return out;
  }

  /**
   * A message's bytes with one more length-delimited field after them: protobuf reads fields in
   * any order, so this is the message with that field set.
   */
  private static byte[] withField(byte[] message, int field, byte[] value) throws IOException {
    int size = CodedOutputStream.computeByteArraySize(field, value);
    byte[] out = Arrays.copyOf(message, message.length + size);
    CodedOutputStream o = CodedOutputStream.newInstance(out, message.length, size);
    o.writeByteArray(field, value);
    o.checkNoSpaceLeft();
    return out;
  }

  private static byte[] resultSet(Service.ResultSetResponse r) throws IOException {
    Responses.ResultSetResponse.Builder b = Responses.ResultSetResponse.newBuilder()
        .setConnectionId(r.connectionId).setStatementId(r.statementId).setOwnStatement(r.ownStatement)
        .setUpdateCount(r.updateCount);
    if (r.signature != null) {
      b.setSignature(r.signature.toProto());
    }
    if (r.rpcMetadata != null) {
      b.setMetadata(metadata(r.rpcMetadata));
    }
    byte[] bytes = b.build().toByteArray();
    return r.firstFrame == null ? bytes
        : withField(bytes, Responses.ResultSetResponse.FIRST_FRAME_FIELD_NUMBER, FrameEncoder.bytes(r.firstFrame));
  }

  private static Responses.RpcMetadata metadata(Service.RpcMetadataResponse m) {
    Responses.RpcMetadata.Builder b = Responses.RpcMetadata.newBuilder();
    if (m.serverAddress != null) {
      b.setServerAddress(m.serverAddress);
    }
    return b.build();
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
