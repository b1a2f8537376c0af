package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing internal reaches a client: requests the server cannot read, methods it does not serve
 * and HTTP it cannot parse get a message and a status or SQLState, never a stack trace, a class
 * name or the server's version, over JSON, protobuf and plain HTTP alike.
 */
class ServerRepliesTest {
  /** What a leaked stack trace or class name looks like. */
  private static final Pattern INTERNALS = Pattern.compile("Exception|\\bat [a-z]+\\.|org\\.apache|org\\.eclipse|Jetty");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static ShopServer shop;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 200, 0, 100);
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  @Test
  void aGetOfTheJdbcEndpointIsRefusedWithoutTheServersVersion() throws Exception {
    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(shop.server.url() + "/")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
    assertTrue(get.body().contains("JDBC clients POST Avatica requests to /"), get.body());
    assertFalse(get.headers().firstValue("Server").isPresent(), get.headers().toString());
  }

  @Test
  void aJsonRequestAvaticaCannotReadGetsAMessageAndNoTrace() throws Exception {
    JsonNode reply = JSON.readTree(post("{\"x\": 1}").body());
    assertEquals("error", reply.get("response").asText());
    assertEquals("08P01", reply.get("sqlState").asText());
    assertEquals(0, reply.get("exceptions").size());
    assertFalse(INTERNALS.matcher(reply.toString()).find(), reply.toString());
  }

  @Test
  void aProtobufRequestAvaticaCannotReadGetsAMessageAndNoTrace() throws Exception {
    HttpResponse<String> reply = post("not protobuf");
    String text = reply.body();
    assertTrue(text.contains("not an Avatica request this server can read"), text);
    assertTrue(text.contains("08P01"), text);
    assertFalse(INTERNALS.matcher(text.replace("org.apache.calcite.avatica.proto.Responses$ErrorResponse", ""))
        .find(), text);
  }

  @Test
  void aStatementErrorKeepsItsMessageAndStateWithoutATrace() throws Exception {
    String connection = "replies-" + System.nanoTime();
    post("{\"request\": \"openConnection\", \"connectionId\": \"" + connection + "\", \"info\": {}}");
    JsonNode statement = JSON.readTree(post("{\"request\": \"createStatement\", \"connectionId\": \"" + connection
        + "\"}").body());
    JsonNode reply = JSON.readTree(post("{\"request\": \"prepareAndExecute\", \"connectionId\": \"" + connection
        + "\", \"statementId\": " + statement.get("statementId").asInt() + ", \"sql\": \"SELECT nonexistent FROM events\","
        + " \"maxRowCount\": -1}").body());
    assertEquals("42000", reply.get("sqlState").asText());
    assertTrue(reply.get("errorMessage").asText().contains("Column 'nonexistent' not found"), reply.toString());
    assertEquals(0, reply.get("exceptions").size());
    post("{\"request\": \"closeConnection\", \"connectionId\": \"" + connection + "\"}");
  }

  @Test
  void httpJettyCannotParseGetsAJsonErrorWithoutTheServersVersion() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", shop.server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /% HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
      assertTrue(reply.contains("{\"error\":\"the request could not be served: Bad Request\",\"status\":400}"), reply);
      assertFalse(INTERNALS.matcher(reply).find(), reply);
    }
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(shop.server.url() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
