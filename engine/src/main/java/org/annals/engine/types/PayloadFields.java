package org.annals.engine.types;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the top-level fields of a JSON object payload with the type of each value, streaming
 * through the document without building a tree. A field whose value is JSON null is not listed:
 * it says nothing of the field's type. Not thread-safe: one per profiling pass.
 */
final class PayloadFields {
  /** Receives each field of a payload. */
  interface Sink {
    void field(String name, FieldType type);
  }

  private final JsonFactory json = new JsonFactory();
  /**
   * One payload's fields with a value, in order of first appearance, each with its last value's
   * type: a handful, so searched in place, and reused from payload to payload.
   */
  private final List<String> names = new ArrayList<>();
  private final List<FieldType> types = new ArrayList<>();

  /** Reads the payload in {@code bytes[offset, offset+length)}; a payload that is not an object yields nothing. */
  void read(byte[] bytes, int offset, int length, Sink sink) throws IOException {
    try (JsonParser p = json.createParser(bytes, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return;
      }
      // A key given twice counts once, as its last value (what JSON_VALUE and the scan read).
      names.clear();
      types.clear();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        FieldType type = switch (p.nextToken()) {
          case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? FieldType.DOUBLE : FieldType.BIGINT;
          case VALUE_NUMBER_FLOAT -> FieldType.DOUBLE;
          case VALUE_TRUE, VALUE_FALSE -> FieldType.BOOLEAN;
          case VALUE_STRING -> FieldType.ofString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          case START_OBJECT, START_ARRAY -> {
            p.skipChildren();
            yield FieldType.JSON;
          }
          default -> null;
        };
        int at = names.indexOf(name);
        if (at < 0 && type != null) {
          names.add(name);
          types.add(type);
        } else if (at >= 0 && type != null) {
          types.set(at, type);
        } else if (at >= 0) {
          names.remove(at);
          types.remove(at);
        }
      }
    }
    for (int i = 0; i < names.size(); i++) {
      sink.field(names.get(i), types.get(i));
    }
  }
}
