package org.annals.jdbc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Common.WireMessage;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;

/**
 * The thin driver's protobuf translation: Avatica's, with two differences.
 *
 * <ul>
 *   <li>Responses that carry rows (execute and fetch) are read straight from their bytes, the
 *       frames by {@link FrameDecoder}; every other response goes to Avatica's parser.
 *   <li>Messages carry the names an Avatica server knows. Avatica names each message on the wire
 *       by the Java class name of its protobuf class; in the shaded jar those classes live in a
 *       relocated package, so a request's name is moved to {@link #WIRE_PACKAGE} on its way out
 *       and a response's name back on its way in. Without this a server answers every protobuf
 *       request with "Cannot find request parser".
 * </ul>
 *
 * Thread-safe.
 */
final class ClientProtobufTranslation implements ProtobufTranslation {
  /**
   * Avatica's protobuf package as servers name it. The relocation in pom.xml excludes exactly this
   * string so that it survives shading while the classes of that package move. Never append to it
   * in a constant expression: the compiler would fold the result into a new string that shading
   * rewrites.
   */
  static final String WIRE_PACKAGE = "org.apache.calcite.avatica.proto";
  /** Where this jar's copy of those classes lives: {@link #WIRE_PACKAGE} unless shaded. */
  static final String LOCAL_PACKAGE = WireMessage.class.getPackageName();

  private static final String FETCH = Responses.FetchResponse.class.getSimpleName();
  private static final String EXECUTE = Responses.ExecuteResponse.class.getSimpleName();

  // Field numbers, as the generated message classes give them.
  private static final int WIRE_NAME = Common.WireMessage.NAME_FIELD_NUMBER;
  private static final int WIRE_MESSAGE = Common.WireMessage.WRAPPED_MESSAGE_FIELD_NUMBER;
  private static final int FETCH_FRAME = Responses.FetchResponse.FRAME_FIELD_NUMBER;
  private static final int FETCH_MISSING_STATEMENT = Responses.FetchResponse.MISSING_STATEMENT_FIELD_NUMBER;
  private static final int FETCH_MISSING_RESULTS = Responses.FetchResponse.MISSING_RESULTS_FIELD_NUMBER;
  private static final int FETCH_METADATA = Responses.FetchResponse.METADATA_FIELD_NUMBER;
  private static final int EXECUTE_RESULTS = Responses.ExecuteResponse.RESULTS_FIELD_NUMBER;
  private static final int EXECUTE_MISSING_STATEMENT = Responses.ExecuteResponse.MISSING_STATEMENT_FIELD_NUMBER;
  private static final int EXECUTE_METADATA = Responses.ExecuteResponse.METADATA_FIELD_NUMBER;
  private static final int RESULT_CONNECTION_ID = Responses.ResultSetResponse.CONNECTION_ID_FIELD_NUMBER;
  private static final int RESULT_STATEMENT_ID = Responses.ResultSetResponse.STATEMENT_ID_FIELD_NUMBER;
  private static final int RESULT_OWN_STATEMENT = Responses.ResultSetResponse.OWN_STATEMENT_FIELD_NUMBER;
  private static final int RESULT_SIGNATURE = Responses.ResultSetResponse.SIGNATURE_FIELD_NUMBER;
  private static final int RESULT_FIRST_FRAME = Responses.ResultSetResponse.FIRST_FRAME_FIELD_NUMBER;
  private static final int RESULT_UPDATE_COUNT = Responses.ResultSetResponse.UPDATE_COUNT_FIELD_NUMBER;
  private static final int RESULT_METADATA = Responses.ResultSetResponse.METADATA_FIELD_NUMBER;
  private static final int METADATA_SERVER_ADDRESS = Responses.RpcMetadata.SERVER_ADDRESS_FIELD_NUMBER;

  private final ProtobufTranslationImpl avatica = new ProtobufTranslationImpl();

  @Override
  public byte[] serializeRequest(Service.Request request) throws IOException {
    return rename(avatica.serializeRequest(request), LOCAL_PACKAGE, WIRE_PACKAGE);
  }

  @Override
  public Service.Response parseResponse(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String name = null;
    int start = -1;
    int length = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case WIRE_NAME -> name = in.readString();
        case WIRE_MESSAGE -> {
          length = in.readRawVarint32();
          start = in.getTotalBytesRead();
          in.skipRawBytes(length);
        }
        default -> in.skipField(tag);
      }
    }
    if (name != null && start >= 0 && isWireMessage(name)) {
      String message = name.substring(name.lastIndexOf('$') + 1);
      CodedInputStream body = CodedInputStream.newInstance(bytes, start, length);
      if (message.equals(FETCH)) {
        return fetch(body, bytes, start);
      }
      if (message.equals(EXECUTE)) {
        return execute(body, bytes, start);
      }
    }
    return avatica.parseResponse(rename(bytes, WIRE_PACKAGE, LOCAL_PACKAGE));
  }

  /** Whether a message is named in {@link #WIRE_PACKAGE} (see there why this is no startsWith of a constant). */
  private static boolean isWireMessage(String name) {
    return name.startsWith(WIRE_PACKAGE) && name.length() > WIRE_PACKAGE.length()
        && name.charAt(WIRE_PACKAGE.length()) == '.';
  }

  private static Service.FetchResponse fetch(CodedInputStream in, byte[] buffer, int base) throws IOException {
    Meta.Frame frame = null;
    boolean missingStatement = false;
    boolean missingResults = false;
    Service.RpcMetadataResponse metadata = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case FETCH_FRAME -> frame = frame(in, buffer, base);
        case FETCH_MISSING_STATEMENT -> missingStatement = in.readBool();
        case FETCH_MISSING_RESULTS -> missingResults = in.readBool();
        case FETCH_METADATA -> metadata = metadata(in);
        default -> in.skipField(tag);
      }
    }
    // As Avatica reads it: a response without a frame holds an empty one.
    return new Service.FetchResponse(frame == null ? new Meta.Frame(0, false, List.of()) : frame,
        missingStatement, missingResults, metadata);
  }

  private static Service.ExecuteResponse execute(CodedInputStream in, byte[] buffer, int base) throws IOException {
    List<Service.ResultSetResponse> results = new ArrayList<>();
    boolean missingStatement = false;
    Service.RpcMetadataResponse metadata = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case EXECUTE_RESULTS -> {
          int limit = in.pushLimit(in.readRawVarint32());
          results.add(resultSet(in, buffer, base));
          in.popLimit(limit);
        }
        case EXECUTE_MISSING_STATEMENT -> missingStatement = in.readBool();
        case EXECUTE_METADATA -> metadata = metadata(in);
        default -> in.skipField(tag);
      }
    }
    return new Service.ExecuteResponse(results, missingStatement, metadata);
  }

  private static Service.ResultSetResponse resultSet(CodedInputStream in, byte[] buffer, int base)
      throws IOException {
    String connectionId = null;
    int statementId = 0;
    boolean ownStatement = false;
    Meta.Signature signature = null;
    Meta.Frame firstFrame = null;
    long updateCount = 0;
    Service.RpcMetadataResponse metadata = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case RESULT_CONNECTION_ID -> connectionId = in.readString();
        case RESULT_STATEMENT_ID -> statementId = in.readUInt32();
        case RESULT_OWN_STATEMENT -> ownStatement = in.readBool();
        case RESULT_SIGNATURE -> {
          int length = in.readRawVarint32();
          Common.Signature proto = Common.Signature.parseFrom(
              CodedInputStream.newInstance(buffer, base + in.getTotalBytesRead(), length));
          in.skipRawBytes(length);
          signature = Meta.Signature.fromProto(proto);
        }
        case RESULT_FIRST_FRAME -> firstFrame = frame(in, buffer, base);
        case RESULT_UPDATE_COUNT -> updateCount = in.readUInt64();
        case RESULT_METADATA -> metadata = metadata(in);
        default -> in.skipField(tag);
      }
    }
    return new Service.ResultSetResponse(connectionId, statementId, ownStatement, signature, firstFrame,
        updateCount, metadata);
  }

  private static Meta.Frame frame(CodedInputStream in, byte[] buffer, int base) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    Meta.Frame frame = FrameDecoder.read(in, buffer, base);
    in.popLimit(limit);
    return frame;
  }

  private static Service.RpcMetadataResponse metadata(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String serverAddress = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == METADATA_SERVER_ADDRESS) {
        serverAddress = in.readString();
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return new Service.RpcMetadataResponse(serverAddress);
  }

  /** The message with its name moved from one package to the other, if it is in the first. */
  static byte[] rename(byte[] message, String fromPackage, String toPackage) {
    if (fromPackage.equals(toPackage)) {
      return message;
    }
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

  @Override
  public byte[] serializeResponse(Service.Response response) throws IOException {
    return avatica.serializeResponse(response);
  }

  @Override
  public Service.Request parseRequest(byte[] bytes) throws IOException {
    return avatica.parseRequest(bytes);
  }
}
