package org.annals.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnnalsUrlTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "jdbc:annals://localhost:8765                        | localhost     | 8765  | PROTOBUF |",
      "jdbc:annals://localhost:8765/                       | localhost     | 8765  | PROTOBUF |",
      "jdbc:annals://127.0.0.1:1                           | 127.0.0.1     | 1     | PROTOBUF |",
      "jdbc:annals://annals_server.example-1.org:65535     | annals_server.example-1.org | 65535 | PROTOBUF |",
      "jdbc:annals://[::1]:8765                            | [::1]         | 8765  | PROTOBUF |",
      "jdbc:annals://h:8765?serialization=json             | h             | 8765  | JSON |",
      "jdbc:annals://h:8765/?serialization=json            | h             | 8765  | JSON |",
      "jdbc:annals://h:8765/?serialization=JSON            | h             | 8765  | JSON |",
      "jdbc:annals://h:8765/?serialization=protobuf        | h             | 8765  | PROTOBUF |",
      "jdbc:annals://h:8765?pushdown=false                 | h             | 8765  | PROTOBUF | false",
      "jdbc:annals://h:8765?serialization=json&pushdown=TRUE | h           | 8765  | JSON     | true",
  })
  void parsesGoodForms(String url, String host, int port, Serialization serialization, String pushdown)
      throws SQLException {
    assertEquals(new AnnalsUrl(host, port, false, serialization, pushdown, null), AnnalsUrl.parse(url));
  }

  @Test
  void sslTrueSpeaksHttps() throws SQLException {
    AnnalsUrl url = AnnalsUrl.parse("jdbc:annals://db.example:8765?ssl=true&pushdown=false");
    assertEquals(new AnnalsUrl("db.example", 8765, true, Serialization.PROTOBUF, "false", null), url);
    assertEquals("https://db.example:8765", url.httpUrl());
    assertEquals("http://db.example:8765", AnnalsUrl.parse("jdbc:annals://db.example:8765?ssl=false").httpUrl());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "jdbc:annals://h:8765?as_of=41000                        | 41000",
      "jdbc:annals://h:8765?as_of=2026-10-10%2012:00:00        | 2026-10-10 12:00:00",
      "jdbc:annals://h:8765?pushdown=false&as_of=2026-10-10T12:00:00+01:00 | 2026-10-10T12:00:00+01:00",
  })
  void carriesAsOfDecodedForTheServerToCheck(String url, String asOf) throws SQLException {
    assertEquals(asOf, AnnalsUrl.parse(url).asOf());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "jdbc:annals://localhost:8765     | http://localhost:8765",
      "jdbc:annals://[::1]:8765/        | http://[::1]:8765",
  })
  void givesAvaticaAnHttpUrl(String url, String httpUrl) throws SQLException {
    assertEquals(httpUrl, AnnalsUrl.parse(url).httpUrl());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "jdbc:annals://                                | there is no host",
      "jdbc:annals://:8765                           | there is no host",
      "jdbc:annals:///?serialization=json            | there is no host",
      "jdbc:annals://localhost                       | there is no port",
      "jdbc:annals://localhost:                      | there is no port",
      "jdbc:annals://[::1]                           | there is no port",
      "jdbc:annals://localhost:http                  | the port 'http' is not a number from 1 to 65535",
      "jdbc:annals://localhost:-1                    | the port '-1' is not a number from 1 to 65535",
      "jdbc:annals://localhost:1234567               | the port '1234567' is not a number from 1 to 65535",
      "jdbc:annals://localhost:0                     | the port 0 is out of range 1 to 65535",
      "jdbc:annals://localhost:65536                 | the port 65536 is out of range 1 to 65535",
      "jdbc:annals://user@localhost:8765             | 'user@localhost' is not a host name",
      "jdbc:annals://::1:8765                        | '::1' is not a host name",
      "jdbc:annals://localhost:8765/annals           | a path ('/annals') is not allowed after host:port",
      "jdbc:annals://localhost:8765?user=ann         | 'user' is not a known query parameter; the known ones are 'ssl', 'serialization', 'pushdown' and 'as_of'",
      "jdbc:annals://h:1?pushdown=maybe              | 'maybe' is not a pushdown setting; use true or false",
      "jdbc:annals://h:1?pushdown=false&pushdown=true | 'pushdown' is given more than once",
      "jdbc:annals://h:1?ssl=yes                     | 'yes' is not a ssl setting; use true or false",
      "jdbc:annals://localhost:8765/?                | '' is not a known query parameter",
      "jdbc:annals://h:1?serialization=xml           | 'xml' is not a serialization; use protobuf or json",
      "jdbc:annals://h:1?serialization               | '' is not a serialization; use protobuf or json",
      "jdbc:annals://h:1?serialization=json&serialization=json | 'serialization' is given more than once",
  })
  void refusesBadFormsWith08001AndTheAcceptedForm(String url, String problem) {
    SQLException e = assertThrows(SQLException.class, () -> AnnalsUrl.parse(url));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().startsWith("Invalid Annals JDBC URL '" + url + "': " + problem),
        e.getMessage());
    assertTrue(e.getMessage().endsWith(
        ". Expected jdbc:annals://host:port[/][?ssl=true|false][&serialization=protobuf|json][&pushdown=true|false][&as_of=global_seq|timestamp]"),
        e.getMessage());
  }
}
