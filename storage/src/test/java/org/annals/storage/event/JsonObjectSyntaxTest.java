package org.annals.storage.event;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast object check against Jackson, the reference: it must never accept what Jackson refuses,
 * and must accept the ordinary documents Jackson accepts (or the fast path would never be taken).
 */
class JsonObjectSyntaxTest {
  private static final JsonFactory JACKSON = new JsonFactory();

  @Test
  void acceptsObjectsOfEveryShape() {
    for (String json : List.of(
        "{}", " { } ", "\t{\"a\":1}\r\n", "{\"a\":{}}", "{\"a\":[]}", "{\"a\":[1,2,[3,[]],{}]}",
        "{\"n\":-0,\"m\":0.5,\"e\":1E+2,\"f\":-1.25e-3,\"big\":123456789012345678901234567890}",
        "{\"t\":true,\"f\":false,\"z\":null,\"s\":\"\"}",
        "{\"esc\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uFFFF\"}",
        "{\"k\\u0041\":\"v\",\"k\":\"duplicate keys are allowed\",\"k\":2}",
        "{\"unicode\":\"h\u00e9llo w\u00f6rld \u65e5\u672c \ud83d\ude00\"}",
        "{ \"spaced\" : [ 1 , 2 ] , \"x\" : { \"y\" : null } }")) {
      assertTrue(isObject(json), json);
      assertTrue(jacksonAccepts(bytes(json)), json);
    }
  }

  @Test
  void refusesWhatIsNotExactlyOneObject() {
    for (String json : List.of(
        "", " ", "[]", "1", "\"s\"", "null", "{", "}", "{}{}", "{} x", "{\"a\"}", "{\"a\":}",
        "{\"a\":1,}", "{,}", "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\" 1}", "{a:1}", "{'a':1}",
        "{\"a\":01}", "{\"a\":-01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1e}",
        "{\"a\":1e+}", "{\"a\":-}", "{\"a\":0x10}", "{\"a\":NaN}", "{\"a\":Infinity}",
        "{\"a\":tru}", "{\"a\":truex}", "{\"a\":nul}", "{\"a\":True}", "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"open}",
        "{\"a\":1 /* comment */}", "{\"\\uD83D\\uDE00\":1}", "{\"a\":[1}", "{\"a\":{]}", "{\"a\":1]", "{\"a\":1}}")) {
      assertFalse(isObject(json), json);
      assertFalse(jacksonAccepts(bytes(json)), "the reference refuses it too: " + json);
    }
  }

  @Test
  void tellsObjectsFromArraysAtEveryDepthItChecks() {
    // Containers alternate, so a misread depth would expect the wrong closing bracket.
    StringBuilder open = new StringBuilder();
    StringBuilder close = new StringBuilder();
    for (int depth = 0; depth < JsonObjectSyntax.MAX_DEPTH; depth++) {
      boolean object = depth % 2 == 0;
      open.append(object ? "{\"k\":" : "[1,");
      close.insert(0, object ? "}" : "]");
    }
    String deepest = open + "2" + close;
    assertTrue(isObject(deepest));
    assertTrue(jacksonAccepts(bytes(deepest)));
    String swapped = open + "2" + close.toString().replaceFirst("\\]", "}");
    assertFalse(isObject(swapped));
    assertFalse(jacksonAccepts(bytes(swapped)));
  }

  @Test
  void leavesRareValidFormsToJackson() {
    StringBuilder deep = new StringBuilder("{\"a\":");
    deep.append("[".repeat(JsonObjectSyntax.MAX_DEPTH)).append("]".repeat(JsonObjectSyntax.MAX_DEPTH)).append('}');
    String longNumber = "{\"a\":" + "9".repeat(JsonObjectSyntax.MAX_NUMBER_CHARS + 1) + "}";
    String longName = "{\"" + "\u20ac".repeat(JsonObjectSyntax.MAX_NAME_BYTES / 3 + 1) + "\":1}";
    for (String json : List.of("\uFEFF{}", deep.toString(), longNumber, longName,
        "{\"a\":\"\\uD83D\\uDE00\"}", "{\"a\":\"\\uDE00\"}")) {
      assertFalse(isObject(json));
      assertTrue(jacksonAccepts(bytes(json)), "valid, so the caller's fallback accepts it");
    }
  }

  @Test
  void leavesNamesOverJacksonsLengthLimitToJackson() {
    // Jackson 2.21 refuses member names over 50,000 bytes; values have no such limit.
    String name = "x".repeat(50_001);
    assertFalse(isObject("{\"" + name + "\":1}"));
    assertFalse(jacksonAccepts(bytes("{\"" + name + "\":1}")));
    assertTrue(isObject("{\"a\":\"" + name + "\"}"));
    assertTrue(jacksonAccepts(bytes("{\"a\":\"" + name + "\"}")));
  }

  @Test
  void agreesWithJacksonOnGeneratedAndMutatedDocuments() {
    Random random = new Random(42);
    int mutantsAccepted = 0;
    int mutantsRefused = 0;
    for (int doc = 0; doc < 20_000; doc++) {
      StringBuilder sb = new StringBuilder();
      object(random, sb, 0);
      byte[] valid = bytes(sb.toString());
      assertTrue(jacksonAccepts(valid), sb.toString());
      assertTrue(JsonObjectSyntax.isObject(valid), sb.toString());
      for (int m = 0; m < 5; m++) {
        byte[] mutated = mutate(random, valid);
        if (JsonObjectSyntax.isObject(mutated)) {
          assertTrue(jacksonAccepts(mutated), "accepted what Jackson refuses: "
              + new String(mutated, StandardCharsets.UTF_8));
          mutantsAccepted++;
        } else {
          mutantsRefused++;
        }
      }
    }
    // Both branches must have run, or the comparison above proved nothing.
    assertTrue(mutantsAccepted > 1_000, "mutants accepted: " + mutantsAccepted);
    assertTrue(mutantsRefused > 1_000, "mutants refused: " + mutantsRefused);
  }

  private static final String[] PIECES = {"{", "}", "[", "]", ",", ":", "\"", "\\", " ", "0", "1",
      "-", "+", ".", "e", "E", "t", "true", "null", "u", "x", "\t", "\n", "\u0001", "a", "\u00e9"};

  private static byte[] mutate(Random random, byte[] doc) {
    String text = new String(doc, StandardCharsets.UTF_8);
    int at = random.nextInt(text.length() + 1);
    String piece = PIECES[random.nextInt(PIECES.length)];
    String out = switch (random.nextInt(3)) {
      case 0 -> text.substring(0, at) + piece + text.substring(at);
      case 1 -> at < text.length() ? text.substring(0, at) + text.substring(at + 1) : text + piece;
      default -> at < text.length() ? text.substring(0, at) + piece + text.substring(at + 1) : piece + text;
    };
    return bytes(out);
  }

  private static void object(Random r, StringBuilder sb, int depth) {
    sb.append('{').append(space(r));
    int members = r.nextInt(depth > 3 ? 2 : 5);
    for (int i = 0; i < members; i++) {
      if (i > 0) {
        sb.append(',').append(space(r));
      }
      string(r, sb);
      sb.append(space(r)).append(':').append(space(r));
      value(r, sb, depth + 1);
      sb.append(space(r));
    }
    sb.append('}');
  }

  private static void value(Random r, StringBuilder sb, int depth) {
    switch (r.nextInt(depth > 4 ? 5 : 7)) {
      case 0 -> string(r, sb);
      case 1 -> sb.append(r.nextInt(2000) - 1000);
      case 2 -> sb.append(r.nextBoolean() ? "-" : "").append(r.nextInt(10)).append('.')
          .append(r.nextInt(1000)).append(r.nextBoolean() ? "e" + (r.nextInt(20) - 10) : "");
      case 3 -> sb.append(List.of("true", "false", "null").get(r.nextInt(3)));
      case 4 -> sb.append(r.nextLong()).append("123456789");
      case 5 -> object(r, sb, depth);
      default -> {
        sb.append('[').append(space(r));
        int items = r.nextInt(4);
        for (int i = 0; i < items; i++) {
          if (i > 0) {
            sb.append(',').append(space(r));
          }
          value(r, sb, depth + 1);
        }
        sb.append(space(r)).append(']');
      }
    }
  }

  private static void string(Random r, StringBuilder sb) {
    sb.append('"');
    int length = r.nextInt(8);
    for (int i = 0; i < length; i++) {
      switch (r.nextInt(8)) {
        case 0 -> sb.append("\\\"");
        case 1 -> sb.append(List.of("\\n", "\\t", "\\\\", "\\/", "\\b", "\\f", "\\r").get(r.nextInt(7)));
        case 2 -> sb.append(String.format("\\u%04x", r.nextInt(0xD800)));
        case 3 -> sb.append((char) (0x80 + r.nextInt(0x700)));
        case 4 -> sb.append("\ud83d\ude00");
        default -> sb.append((char) ('a' + r.nextInt(26)));
      }
    }
    sb.append('"');
  }

  private static String space(Random r) {
    return List.of("", "", "", " ", "\n", "\t ", "\r\n").get(r.nextInt(7));
  }

  private static boolean isObject(String json) {
    return JsonObjectSyntax.isObject(bytes(json));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The rule EventValidator applied before the fast check: Jackson's default parser. */
  private static boolean jacksonAccepts(byte[] json) {
    try (JsonParser p = JACKSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }
}
