package org.annals.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JsonScalars must answer exactly as Calcite's own JSON_VALUE: every document and path below is
 * also asked of Calcite, over a VALUES row that no scan reads, and the answers compared.
 */
class JsonScalarsTest {
  private static final List<String> DOCUMENTS = List.of(
      "{\"a\":12.50,\"b\":1e2,\"c\":-0,\"d\":12345678901234567890,\"e\":true,\"f\":\"x\\u00e9\\n\\\"q\\\"\"}",
      "{\"g\":[1,{\"a\":2}],\"h\":{\"k\":1},\"i\":{\"k\":\"v\"},\"i\":{\"k\":\"w\"},\"n\":null,\"x\":1.0,\"z\":0.1e-7}",
      "{\"a\":{\"b\":{\"c\":\"deep\"}},\"s\":\"caf\u00e9 \\\\ \\u2603\",\"e\":false,\"big\":123456789012,\"neg\":-42}",
      " { \"a\" : \"spaced\" , \"b\" : [ ] , \"c\" : { } } ",
      "{\"a\\u0062\":\"escaped key\",\"ab\":\"plain key\"}",
      "{\"a\":\"first\",\"a\":{\"b\":1}}",
      "[1,2,3]",
      "{}");
  private static final List<String> PATHS = List.of("$.a", "$.b", "$.c", "$.d", "$.e", "$.f", "$.g",
      "$.h", "$.i.k", "$.n", "$.x", "$.z", "$.a.b.c", "$.s", "$.big", "$.neg", "$.ab", "$.a.b",
      "lax $.a", "$.missing");

  @TempDir Path dir;

  @Test
  void everyPathOfEveryDocumentAnswersAsCalcitesJsonValue() throws Exception {
    List<List<String>> paths = new ArrayList<>();
    for (String p : PATHS) {
      paths.add(JsonScalars.simplePath(p));
    }
    JsonScalars scalars = new JsonScalars(paths);
    String[] values = new String[PATHS.size()];
    try (Connection c = DriverManager.getConnection("jdbc:annals:embedded:" + dir)) {
      for (String doc : DOCUMENTS) {
        byte[] utf8 = ("padding" + doc).getBytes(StandardCharsets.UTF_8);
        scalars.read(utf8, 7, utf8.length - 7, values);
        for (int i = 0; i < PATHS.size(); i++) {
          assertEquals(calcite(c, doc, PATHS.get(i)), values[i], PATHS.get(i) + " of " + doc);
        }
      }
    }
  }

  /** Jackson reads 1,000 nested containers and refuses 1,001; JSON_VALUE is then NULL. */
  @Test
  void deepDocumentsAnswerAsCalciteDoesAtJacksonsNestingLimit() throws Exception {
    JsonScalars scalars = new JsonScalars(List.of(List.of("a")));
    String[] values = new String[1];
    try (Connection c = DriverManager.getConnection("jdbc:annals:embedded:" + dir)) {
      for (int nesting : new int[] {70, 999, 1000, 1001}) {
        String doc = "{\"a\":1,\"deep\":" + "[".repeat(nesting - 1) + "]".repeat(nesting - 1) + "}";
        byte[] utf8 = doc.getBytes(StandardCharsets.UTF_8);
        scalars.read(utf8, 0, utf8.length, values);
        assertEquals(calcite(c, doc, "$.a"), values[0], "nesting " + nesting);
      }
    }
    assertEquals("1", valueAt(70), "a deep part the path never visits does not hide the value");
    assertNull(valueAt(1001));
  }

  private static String valueAt(int nesting) {
    String doc = "{\"a\":1,\"deep\":" + "[".repeat(nesting - 1) + "]".repeat(nesting - 1) + "}";
    byte[] utf8 = doc.getBytes(StandardCharsets.UTF_8);
    String[] values = new String[1];
    new JsonScalars(List.of(List.of("a"))).read(utf8, 0, utf8.length, values);
    return values[0];
  }

  @Test
  void aMalformedDocumentHasNoValueAtAnyPath() {
    JsonScalars scalars = new JsonScalars(List.of(List.of("a"), List.of("b")));
    String[] values = new String[2];
    byte[] doc = "{\"a\":\"x\",\"b\":".getBytes(StandardCharsets.UTF_8);
    scalars.read(doc, 0, doc.length, values);
    assertNull(values[0]);
    assertNull(values[1]);
  }

  @Test
  void onlySimplePathsAreTakenOver() {
    assertEquals(List.of("a", "b"), JsonScalars.simplePath("lax $.a.b"));
    assertNull(JsonScalars.simplePath("strict $.a"));
    assertNull(JsonScalars.simplePath("$.a[0]"));
    assertNull(JsonScalars.simplePath("$.*"));
    assertNull(JsonScalars.simplePath("$"));
  }

  private static String calcite(Connection c, String doc, String path) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT JSON_VALUE(j, '" + path
        + "') FROM (VALUES ('" + doc.replace("'", "''") + "')) AS t(j)")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** A typed table's columns read numbers as written and objects and arrays whole, beside JSON_VALUE's answers. */
  @Test
  void textPathsReadNumbersAsWrittenAndContainersWhole() {
    JsonScalars scalars = new JsonScalars(List.of(List.of("a"), List.of("a"), List.of("g"), List.of("g"), List.of("h"),
        List.of("s")), 0b110101);
    byte[] doc = "{\"a\":12.50,\"g\":[1, {\"a\":2}],\"h\":{\"k\":null},\"s\":\"x\\\"y\"}"
        .getBytes(StandardCharsets.UTF_8);
    String[] values = new String[6];
    scalars.read(doc, 0, doc.length, values);
    assertEquals(List.of("12.50", "12.5", "[1, {\"a\":2}]", "null", "{\"k\":null}", "x\"y"),
        java.util.Arrays.stream(values).map(String::valueOf).toList());
  }
}
