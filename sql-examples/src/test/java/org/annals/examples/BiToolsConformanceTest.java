package org.annals.examples;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.annals.engine.server.AnnalsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What BI tools and SQL clients send in their first minute, through the shaded driver jar alone
 * (loaded in a class loader of its own, as a tool loads a driver) against a real server. Each
 * nested class stands for one tool, or one kind of client, and holds the calls it makes.
 */
class BiToolsConformanceTest {
  @TempDir static Path dir;
  private static ShopServer shop;
  private static AnnalsServer server;
  private static ThinDriver driver;
  private Connection connection;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopServer.start(dir, 500, 50, 100);
    server = shop.server;
    driver = ThinDriver.load();
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  @BeforeEach
  void connect() throws SQLException {
    connection = driver.connect(server.jdbcUrl());
  }

  @AfterEach
  void disconnect() throws SQLException {
    connection.close();
  }

  private long count(String sql) throws SQLException {
    return first(sql, Long.class);
  }

  private long rows(String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rowsOf(rs);
    }
  }

  private static long rowsOf(ResultSet rs) throws SQLException {
    long n = 0;
    while (rs.next()) {
      n++;
    }
    return n;
  }

  private Object value(String sql) throws SQLException {
    return first(sql, Object.class);
  }

  private String localTime(String sql) throws SQLException {
    return first(sql, java.time.LocalDateTime.class).toString();
  }

  /** The first column of the first row, as {@code getObject(1, type)} gives it. */
  private <T> T first(String sql, Class<T> type) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next(), sql);
      return rs.getObject(1, type);
    }
  }

  private long events() throws SQLException {
    return count("SELECT COUNT(*) FROM events");
  }

  /** Spark's JDBC source: schema probe, {@code df.count()}, reads partitioned by a column. */
  @Nested
  class Spark {
    @Test
    void countIsSelectOneFromTheTable() throws SQLException {
      assertEquals(events(), rows("SELECT 1 FROM events"));
      assertEquals(events(), count("SELECT COUNT(*) FROM (SELECT 1 FROM events) SPARK_GEN_SUBQ_0"));
    }

    @Test
    void schemaProbeReturnsColumnsAndNoRows() throws SQLException {
      try (Statement s = connection.createStatement();
           ResultSet rs = s.executeQuery("SELECT * FROM events WHERE 1=0")) {
        assertEquals(10, rs.getMetaData().getColumnCount());
        assertFalse(rs.next());
      }
    }

    @Test
    void partitionsByGlobalSeqAddUpToTheTable() throws SQLException {
      long max = count("SELECT MAX(global_seq) FROM events");
      long stride = max / 4 + 1;
      long total = rows("SELECT * FROM events WHERE global_seq < " + stride + " OR global_seq IS NULL");
      for (long lower = stride; lower <= max; lower += stride) {
        total += rows("SELECT * FROM events WHERE global_seq >= " + lower + " AND global_seq < " + (lower + stride));
      }
      assertEquals(events(), total);
    }

    @Test
    void autoCommitIsOnSoNoCommitIsNeeded() throws SQLException {
      assertTrue(connection.getAutoCommit());
      assertDoesNotThrow(() -> connection.commit());
    }
  }

  /** Tableau and Power BI: JDBC escape functions and the SQL their generic paths generate. */
  @Nested
  class TableauAndPowerBi {
    @Test
    void escapeFunctionsWork() throws SQLException {
      String from = " FROM events WHERE event_type = 'OrderPlaced' LIMIT 1";
      assertEquals("ORDERPLACED", value("SELECT {fn UCASE(event_type)}" + from));
      assertEquals("orderplaced", value("SELECT {fn LCASE(event_type)}" + from));
      assertEquals("OrderPlaced!", value("SELECT {fn CONCAT(event_type, '!')}" + from));
      assertEquals(11, ((Number) value("SELECT {fn LENGTH(event_type)}" + from)).intValue());
      assertEquals("Ord", value("SELECT {fn SUBSTRING(event_type, 1, 3)}" + from));
      assertEquals("Or", value("SELECT {fn LEFT(event_type, 2)}" + from));
      assertEquals(6, ((Number) value("SELECT {fn LOCATE('P', event_type)}" + from)).intValue());
      assertEquals("none", value("SELECT {fn IFNULL(CAST(NULL AS VARCHAR(4)), 'none')}" + from));
      assertEquals(5L, ((Number) value("SELECT {fn ABS(-5)}" + from)).longValue());
      assertEquals("5", value("SELECT {fn CONVERT(5, SQL_VARCHAR)}" + from));
      assertEquals(2026L, ((Number) value("SELECT {fn YEAR(recorded_at)}" + from)).longValue());
      assertNotNull(value("SELECT {fn CURDATE()}" + from));
      assertNotNull(value("SELECT {fn NOW()}" + from));
    }

    @Test
    void outerJoinAndLikeEscapes() throws SQLException {
      assertEquals(events(), count("SELECT COUNT(*) FROM events e"
          + " {oj LEFT OUTER JOIN orders o ON e.global_seq = o.global_seq}"));
      assertEquals(count("SELECT COUNT(*) FROM events WHERE event_type LIKE 'Order%'"),
          count("SELECT COUNT(*) FROM events WHERE event_type LIKE 'Order!%' {escape '!'} OR event_type LIKE 'Order%'"));
      assertEquals(0, count("SELECT COUNT(*) FROM events WHERE event_type LIKE 'Order!%' {escape '!'}"));
    }

    @Test
    void groupByOrdinalAndAlias() throws SQLException {
      long types = count("SELECT COUNT(DISTINCT event_type) FROM events");
      assertEquals(types, rows("SELECT event_type, COUNT(*) FROM events GROUP BY 1"));
      assertEquals(types, rows("SELECT event_type AS t, COUNT(*) AS n FROM events GROUP BY t ORDER BY 2 DESC"));
    }

    @Test
    void caseOfTextLiteralsIsNotPadded() throws SQLException {
      assertEquals("x", value("SELECT CASE WHEN seq > 0 THEN 'x' ELSE 'longer' END FROM events WHERE seq = 1 LIMIT 1"));
    }

    @Test
    void averageOfAnIntegerColumnKeepsItsFraction() throws SQLException {
      double sum = count("SELECT SUM(seq) FROM events");
      double expected = sum / events();
      assertEquals(expected, ((Number) value("SELECT AVG(seq) FROM events")).doubleValue(), 1e-9);
    }
  }

  /** SQL developers (and pandas through JayDeBeApi): everyday functions, and a failure's aftermath. */
  @Nested
  class SqlDevelopersAndPandas {
    @Test
    void postgresqlStyleFunctionsInAnyCase() throws SQLException {
      String from = " FROM events WHERE stream_name = 'orders' AND seq = 1";
      assertEquals("orders/1", value("SELECT concat(stream_name, '/', seq)" + from));
      assertEquals("orders/1", value("SELECT CONCAT(stream_name, '/', seq)" + from));
      assertEquals(6, ((Number) value("SELECT length(stream_name)" + from)).intValue());
      assertEquals(count("SELECT COUNT(*) FROM events WHERE event_type LIKE 'Order%'"),
          count("SELECT COUNT(*) FROM events WHERE event_type ILIKE 'order%'"));
    }

    @Test
    void postgresqlDateTruncAsTableauAndMetabaseWriteIt() throws SQLException {
      String at = " FROM (VALUES TIMESTAMP '2026-10-15 13:47:21.123') AS t(ts)";
      assertEquals("2026-10-15T13:00", localTime("SELECT DATE_TRUNC('hour', ts)" + at));
      assertEquals("2026-10-15T00:00", localTime("SELECT date_trunc('DAY', ts)" + at));
      // Weeks start on Monday, as in PostgreSQL: 2026-10-15 is a Thursday.
      assertEquals("2026-10-12T00:00", localTime("SELECT DATE_TRUNC('week', ts)" + at));
      assertEquals("2026-10-01T00:00", localTime("SELECT DATE_TRUNC('quarter', ts)" + at));
      assertEquals("2026-10-12T00:00", localTime("SELECT DATE_TRUNC('week', TIMESTAMP '2026-10-18 23:59:59')"));
      assertEquals(count("SELECT COUNT(DISTINCT FLOOR(recorded_at TO DAY)) FROM events"),
          count("SELECT COUNT(*) FROM (SELECT DATE_TRUNC('day', recorded_at) AS d FROM events GROUP BY 1)"));
      // Grouped and compared, where Calcite's own ISO week floor fails.
      long inWeeks = count("SELECT SUM(n) FROM (SELECT DATE_TRUNC('week', recorded_at) AS w, COUNT(*) AS n"
          + " FROM events GROUP BY DATE_TRUNC('week', recorded_at))");
      assertEquals(events(), inWeeks);
      String firstWeek = localTime("SELECT MIN(DATE_TRUNC('week', recorded_at)) FROM events");
      assertEquals(count("SELECT COUNT(*) FROM events WHERE recorded_at < TIMESTAMP '" + firstWeek.replace('T', ' ')
          + ":00' + INTERVAL '7' DAY"), count("SELECT COUNT(*) FROM events WHERE DATE_TRUNC('week', recorded_at) = "
          + "TIMESTAMP '" + firstWeek.replace('T', ' ') + ":00'"));
      SQLException e = assertThrows(SQLException.class, () -> value("SELECT DATE_TRUNC('fortnight', ts)" + at));
      assertEquals("42000", e.getSQLState());
      assertTrue(e.getMessage().startsWith("DATE_TRUNC's unit 'fortnight' is not one Annals knows; it takes century,"),
          e.getMessage());
    }

    @Test
    void postgresqlNowAndAFinalSemicolon() throws SQLException {
      assertEquals(Boolean.TRUE, value("SELECT now() >= MAX(recorded_at) FROM events"));
      assertEquals(events(), count("SELECT COUNT(*) FROM events;"));
    }

    @Test
    void jsonValueReturningDecimalIsExact() throws SQLException {
      String where = " FROM events WHERE stream_name = 'payments' AND JSON_VALUE(payload, '$.amount') IS NOT NULL"
          + " ORDER BY global_seq LIMIT 1";
      java.math.BigDecimal amount = (java.math.BigDecimal) value(
          "SELECT JSON_VALUE(payload, '$.amount' RETURNING DECIMAL(12, 2))" + where);
      String text = (String) value("SELECT JSON_VALUE(payload, '$.amount')" + where);
      assertEquals(new java.math.BigDecimal(text).setScale(2, java.math.RoundingMode.HALF_UP), amount);
      assertEquals(2, amount.scale());
    }

    @Test
    void rollbackAfterAFailedQueryDoesNotFail() throws SQLException {
      assertThrows(SQLException.class, () -> value("SELECT nonexistent FROM events"));
      assertDoesNotThrow(() -> connection.rollback());
      assertEquals(events(), rows("SELECT 1 FROM events"));
    }

    @Test
    void anErrorAtPrepareTimeSaysWhy() {
      // All JayDeBeApi and pandas show: they prepare every statement.
      SQLException e = assertThrows(SQLException.class, () -> connection.prepareStatement("SELECT nonexistent FROM events"));
      assertEquals("42000", e.getSQLState());
      assertTrue(e.getMessage().contains("Column 'nonexistent' not found"), e.getMessage());
    }

    @Test
    void aParseErrorSaysWhereWithoutListingEveryToken() {
      SQLException e = assertThrows(SQLException.class, () -> value("SELECT FROM events"));
      assertEquals("42000", e.getSQLState());
      assertTrue(e.getMessage().contains("near the keyword 'FROM' at line 1, column 8"), e.getMessage());
      assertFalse(e.getMessage().contains("Was expecting"), e.getMessage());
    }

    @Test
    void aReservedWordAsANameAndAnUnknownFirstWordAreExplained() {
      SQLException reserved = assertThrows(SQLException.class, () -> value("SELECT COUNT(*) AS value FROM events"));
      assertEquals("42000", reserved.getSQLState());
      assertEquals("Encountered \"value\" at line 1, column 20. \"value\" is a reserved word in SQL; to use it as a"
          + " name, write it in double quotes (\"value\")", reserved.getMessage());
      SQLException typo = assertThrows(SQLException.class, () -> value("SELEC 1"));
      assertEquals("42000", typo.getSQLState());
      assertTrue(typo.getMessage().startsWith("not a statement Annals can run: it starts with none of SELECT,"),
          typo.getMessage());
      // A keyword out of place that is no name gets no hint about names; nor a statement that starts well.
      SQLException misplaced = assertThrows(SQLException.class, () -> value("SELECT COUNT(* FROM events"));
      assertEquals("Encountered \"FROM\" at line 1, column 16.", misplaced.getMessage());
      SQLException union = assertThrows(SQLException.class, () -> value("SELECT 1 UNION 2"));
      assertFalse(union.getMessage().contains("not a statement"), union.getMessage());
      SQLException quoted = assertThrows(SQLException.class,
          () -> value("SELECT COUNT(*) FROM events WHERE event_type = \"OrderPlaced\""));
      assertTrue(quoted.getMessage().endsWith("double quotes name a column: a text value goes in single quotes"
          + " ('OrderPlaced')"), quoted.getMessage());
    }

    /** Bad values a function meets are data exceptions (class 22), with their own states. */
    @Test
    void valuesAFunctionCannotTakeAreDataExceptions() {
      String one = " FROM events WHERE stream_name = 'orders' AND seq = 1";
      java.util.Map<String, String> states = new java.util.LinkedHashMap<>();
      states.put("SELECT CAST(entity_id AS INTEGER)" + one, "22018");
      states.put("SELECT 1 / (seq - seq)" + one, "22012");
      states.put("SELECT COUNT(*) FROM events WHERE entity_id LIKE 'a\\' ESCAPE '\\'", "22025");
      states.put("SELECT CAST('2026-10-xx' AS TIMESTAMP)" + one, "22007");
      states.put("SELECT SUBSTRING(entity_id FROM 1 FOR -2)" + one, "22011");
      states.put("SELECT CAST('2026-13-45' AS DATE)" + one, "22008");
      states.put("SELECT LN(seq - seq)" + one, "2201E");
      states.forEach((sql, state) -> {
        SQLException e = assertThrows(SQLException.class, () -> value(sql), sql);
        assertEquals(state, e.getSQLState(), sql + ": " + e.getMessage());
      });
      SQLException division = assertThrows(SQLException.class, () -> value("SELECT 1 / (seq - seq)" + one));
      assertEquals("division by zero", division.getMessage());
    }

    @Test
    void anErrorAtExecutionSaysWhyOnce() {
      SQLException e = assertThrows(SQLException.class, () -> value("SELECT nonexistent FROM events"));
      assertEquals("42000", e.getSQLState());
      assertTrue(e.getMessage().contains("Column 'nonexistent' not found"), e.getMessage());
      assertEquals(e.getMessage().indexOf("Error while executing"), e.getMessage().lastIndexOf("Error while executing"),
          e.getMessage());
    }

    @Test
    void queriesThatReadNoColumn() throws SQLException {
      long events = events();
      assertEquals(events, rows("SELECT 'x' FROM events"));
      assertEquals(events, rows("SELECT event_type FROM events WHERE RAND() < 2"));
      try (PreparedStatement p = connection.prepareStatement("SELECT 1 FROM events WHERE ? IS NULL")) {
        p.setString(1, null);
        try (ResultSet rs = p.executeQuery()) {
          assertEquals(events, rowsOf(rs));
        }
      }
    }
  }

  /** Java applications and their data layers (jOOQ, Hibernate, Spring's JdbcTemplate): typed access. */
  @Nested
  class JavaApplications {
    @Test
    void getObjectWithAClass() throws SQLException {
      try (Statement s = connection.createStatement();
           ResultSet rs = s.executeQuery("SELECT stream_name, seq, recorded_at, CAST(NULL AS VARCHAR(3)), CAST(seq AS INTEGER)"
               + " FROM events WHERE stream_name = 'orders' AND seq = 0")) {
        assertTrue(rs.next());
        assertEquals("orders", rs.getObject(1, String.class));
        assertEquals(0L, rs.getObject(2, Long.class));
        assertEquals(0, rs.getObject(5, Integer.class));
        java.sql.Timestamp stored = rs.getTimestamp(3, java.util.Calendar.getInstance(
            java.util.TimeZone.getTimeZone("UTC"), java.util.Locale.ROOT));
        java.time.Instant instant = rs.getObject(3, java.time.Instant.class);
        assertEquals(stored.getTime(), instant.toEpochMilli());
        assertEquals(instant.atOffset(java.time.ZoneOffset.UTC).toLocalDateTime(),
            rs.getObject(3, java.time.LocalDateTime.class));
        assertEquals(instant.atOffset(java.time.ZoneOffset.UTC), rs.getObject("recorded_at", java.time.OffsetDateTime.class));
        assertEquals(null, rs.getObject(4, String.class));
        SQLException e = assertThrows(SQLException.class, () -> rs.getObject(1, java.util.UUID.class));
        assertTrue(e.getMessage().contains("java.util.UUID"), e.getMessage());
        SQLException text = assertThrows(SQLException.class, () -> rs.getObject(1, Long.class));
        assertEquals("22018", text.getSQLState());
        assertTrue(text.getMessage().contains("cannot be read as java.lang.Long: orders"), text.getMessage());
      }
    }

    @Test
    void parametersSayWhichClassTheyTake() throws SQLException {
      try (PreparedStatement p = connection.prepareStatement(
          "SELECT * FROM events WHERE seq > ? AND stream_name = ? AND recorded_at < ?")) {
        java.sql.ParameterMetaData meta = p.getParameterMetaData();
        assertEquals("java.lang.Long", meta.getParameterClassName(1));
        assertEquals("java.lang.String", meta.getParameterClassName(2));
        assertEquals("java.sql.Timestamp", meta.getParameterClassName(3));
        assertEquals(java.sql.Types.TIMESTAMP, meta.getParameterType(3));
      }
    }

    @Test
    void setObjectTakesJavaTimeAndTimestampText() throws SQLException {
      java.time.LocalDateTime noon = java.time.LocalDateTime.of(2026, 10, 1, 12, 0);
      String sql = "SELECT COUNT(*) FROM events WHERE recorded_at < ?";
      long expected;
      try (PreparedStatement p = connection.prepareStatement(sql)) {
        p.setTimestamp(1, java.sql.Timestamp.from(noon.toInstant(java.time.ZoneOffset.UTC)),
            java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"), java.util.Locale.ROOT));
        expected = countOf(p);
      }
      assertTrue(expected > 0 && expected < events(), expected + " of " + events());
      for (Object bound : List.of(noon, noon.toInstant(java.time.ZoneOffset.UTC), noon.atOffset(java.time.ZoneOffset.ofHours(2))
          .withOffsetSameInstant(java.time.ZoneOffset.ofHours(2)), "2026-10-01 12:00:00", "2026-10-01T12:00")) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
          p.setObject(1, bound);
          assertEquals(expected, countOf(p), String.valueOf(bound));
        }
      }
      try (PreparedStatement p = connection.prepareStatement(sql)) {
        p.setString(1, "2026-10-01 12:00:00");
        assertEquals(expected, countOf(p), "setString");
        p.setObject(1, noon.toLocalDate());
        assertEquals(count("SELECT COUNT(*) FROM events WHERE recorded_at < TIMESTAMP '2026-10-01 00:00:00'"),
            countOf(p), "a LocalDate for a TIMESTAMP is its midnight");
      }
      try (PreparedStatement p = connection.prepareStatement(
          "SELECT COUNT(*) FROM events WHERE CAST(recorded_at AS DATE) = ?")) {
        p.setObject(1, noon.toLocalDate());
        assertTrue(countOf(p) > 0);
      }
      try (PreparedStatement p = connection.prepareStatement(sql)) {
        SQLException e = assertThrows(SQLException.class, () -> p.setObject(1, "yesterday"));
        assertEquals("22007", e.getSQLState());
      }
    }

    private long countOf(PreparedStatement p) throws SQLException {
      try (ResultSet rs = p.executeQuery()) {
        assertTrue(rs.next());
        return rs.getLong(1);
      }
    }

    @Test
    void maxRowsHoldsForPreparedStatementsToo() throws SQLException {
      try (PreparedStatement p = connection.prepareStatement("SELECT * FROM events WHERE seq >= ?")) {
        p.setMaxRows(5);
        p.setLong(1, 0);
        try (ResultSet rs = p.executeQuery()) {
          assertEquals(5, rowsOf(rs));
        }
      }
      try (Statement s = connection.createStatement()) {
        s.setMaxRows(7);
        assertEquals(7, RenderedRows.of(s.executeQuery("SELECT * FROM events")).size());
      }
    }
  }

  /** DBeaver on connect and while browsing; sqlline's !tables, !columns and !describe. */
  @Nested
  class DbeaverAndSqlline {
    @Test
    void identifiersAreReportedAsStoredInLowerCase() throws SQLException {
      DatabaseMetaData meta = connection.getMetaData();
      assertTrue(meta.storesLowerCaseIdentifiers());
      assertFalse(meta.isReadOnly());
      assertFalse(meta.storesUpperCaseIdentifiers());
      assertTrue(meta.supportsMixedCaseQuotedIdentifiers());
      assertEquals("\"", meta.getIdentifierQuoteString());
    }

    @Test
    void columnsOfATableAsSqllineAsksForThem() throws SQLException {
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = connection.getMetaData().getColumns(null, null, "orders", null)) {
        while (rs.next()) {
          columns.add(rs.getString("COLUMN_NAME"));
        }
      }
      assertEquals(List.of("stream_name", "seq", "global_seq", "entity_id", "version", "event_id", "event_type",
          "recorded_at", "payload", "metadata"), columns);
    }

    @Test
    void columnTypesSizesAndRemarksAsDbeaverShowsThem() throws SQLException {
      java.util.Map<String, String> described = described("annals", "orders");
      assertEquals("VARCHAR " + Integer.MAX_VALUE + " null NO NO | the stream the event was appended to; the"
          + " partition key", described.get("stream_name"));
      assertEquals("BIGINT 19 0 YES NO | 0-based position of the event among its entity's events in the stream;"
          + " null without an entity", described.get("version"));
      assertEquals("TIMESTAMP 23 3 NO NO | when the store accepted the event, UTC; decides the day partition",
          described.get("recorded_at"));
      assertTrue(described.get("payload").contains("JSON_VALUE"), described.get("payload"));
    }

    /** Each column of a table, in order, as DBeaver describes it: type, size, digits, nullable, generated | remarks. */
    private java.util.Map<String, String> described(String schema, String table) throws SQLException {
      java.util.Map<String, String> described = new java.util.LinkedHashMap<>();
      try (ResultSet rs = connection.getMetaData().getColumns(null, schema, table, null)) {
        while (rs.next()) {
          described.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME") + " " + rs.getInt("COLUMN_SIZE")
              + " " + rs.getObject("DECIMAL_DIGITS") + " " + rs.getString("IS_NULLABLE") + " "
              + rs.getString("IS_GENERATEDCOLUMN") + " | " + rs.getString("REMARKS"));
        }
      }
      return described;
    }

    @Test
    void typedColumnsSayWhichFieldTheyReadAndHowOften() throws SQLException {
      java.util.Map<String, String> described = described("types", "payments_refunded");
      assertEquals(List.of("stream_name", "seq", "global_seq", "entity_id", "version", "event_id", "event_type",
          "recorded_at", "payload", "metadata", "order_id", "amount", "currency"),
          List.copyOf(described.keySet()).subList(0, 13));
      assertEquals("DOUBLE 15 null YES NO | from payload field amount; seen in 100 % of events", described.get("amount"));
      assertTrue(described.get("stream_name").endsWith("the partition key"), described.get("stream_name"));
      try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT currency, COUNT(*), SUM(amount) FROM types.payments_refunded GROUP BY currency ORDER BY currency")) {
        assertEquals(Types.DOUBLE, rs.getMetaData().getColumnType(3));
        assertTrue(rs.next(), "refunds over the thin driver");
        assertTrue(rs.getDouble(3) > 0, rs.getString(3));
      }
      try (Statement s = connection.createStatement()) {
        s.executeUpdate("INSERT INTO events (stream_name, event_type, payload) VALUES ('bi_probe', 'Probe', '{\"a\": 1}'),"
            + " ('bi_probe', 'Probe', '{\"a\": 2.5, \"b\": [true]}')");
      }
      List<String> probe = new ArrayList<>();
      try (ResultSet rs = connection.getMetaData().getColumns(null, "types", "bi_probe_probe", null)) {
        while (rs.next()) {
          if (rs.getInt("ORDINAL_POSITION") > 10) {
            probe.add(rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + " | " + rs.getString("REMARKS"));
          }
        }
      }
      assertEquals(List.of("a DOUBLE | from payload field a; seen in 100 % of events; widened from BIGINT at global_seq "
          + (events() - 1), "b VARCHAR | from payload field b; seen in 50 % of events; JSON text"), probe);
    }

    @Test
    void functionsAreListedWithTheirKindAndArguments() throws SQLException {
      java.util.Map<String, String> functions = new java.util.TreeMap<>();
      try (ResultSet rs = connection.getMetaData().getFunctions(null, "annals", null)) {
        while (rs.next()) {
          functions.put(rs.getString("FUNCTION_NAME"), rs.getShort("FUNCTION_TYPE") + " | " + rs.getString("REMARKS"));
          assertEquals(rs.getString("FUNCTION_NAME"), rs.getString("SPECIFIC_NAME"));
        }
      }
      assertEquals(DatabaseMetaData.functionNoTable + " | scalar function; takes UPPER(<CHARACTER>)",
          functions.get("UPPER"));
      assertTrue(functions.get("COUNT").contains("aggregate function"), functions.get("COUNT"));
      assertTrue(functions.get("ROW_NUMBER").contains("window function"), functions.get("ROW_NUMBER"));
      assertTrue(functions.get("JSON_VALUE").contains("RETURNING type"), functions.get("JSON_VALUE"));
      assertTrue(functions.get("TUMBLE").startsWith(DatabaseMetaData.functionReturnsTable + " | table function"),
          functions.get("TUMBLE"));
      // The PostgreSQL library is on; operators written between their operands are no functions.
      assertTrue(functions.containsKey("CONCAT_WS") && !functions.containsKey("ILIKE"), functions.keySet().toString());
      // The parser's own, under their public names; none a query cannot call.
      assertTrue(functions.get("DATE_TRUNC").contains("PostgreSQL's"), functions.get("DATE_TRUNC"));
      assertTrue(functions.containsKey("NOW") && functions.containsKey("JSON_ARRAYAGG"), functions.keySet().toString());
      assertFalse(functions.containsKey("VARIANTNULL") || functions.containsKey("PREV")
          || functions.keySet().stream().anyMatch(name -> name.endsWith("_ON_NULL")), functions.keySet().toString());

      List<String> named = new ArrayList<>();
      try (ResultSet rs = connection.getMetaData().getFunctions(null, null, "json\\_v%")) {
        while (rs.next()) {
          named.add(rs.getString("FUNCTION_NAME"));
        }
      }
      assertEquals(List.of("JSON_VALUE"), named);
    }

    @Test
    void schemasAndTablesListedAreTheOnesAClientCanUse() throws SQLException {
      List<String> schemas = new ArrayList<>();
      try (ResultSet rs = connection.getMetaData().getSchemas()) {
        while (rs.next()) {
          schemas.add(rs.getString("TABLE_SCHEM"));
        }
      }
      assertEquals(List.of("annals", "annals_system", "types"), schemas.stream().sorted().toList());
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = connection.getMetaData().getTables(null, null, "%", null)) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
        }
      }
      assertTrue(tables.contains("annals.events") && tables.contains("annals.orders")
          && tables.contains("annals_system.status") && tables.contains("annals_system.typed_columns")
          && tables.contains("types.orders_order_placed") && tables.contains("types.payments_captured"),
          tables.toString());
      assertTrue(tables.stream().allMatch(t -> t.startsWith("annals.") || t.startsWith("annals_system.")
          || t.startsWith("types.")), tables.toString());
      for (String schema : schemas) {
        connection.setSchema(schema);
      }
    }

    @Test
    void nullOrderingIsReportedAsOrderByDoesIt() throws SQLException {
      DatabaseMetaData meta = connection.getMetaData();
      assertTrue(meta.nullsAreSortedHigh());
      assertFalse(meta.nullsAreSortedAtEnd() || meta.nullsAreSortedAtStart() || meta.nullsAreSortedLow());
      String values = "SELECT x FROM (VALUES (1), (CAST(NULL AS INTEGER)), (2)) AS t(x) ORDER BY x";
      try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(values + " DESC")) {
        assertTrue(rs.next());
        assertEquals(null, rs.getObject(1), "high nulls come first in descending order");
      }
      try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(values)) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1), "and last in ascending order");
      }
    }

    @Test
    void noCatalogsAndOnlyTypesAClientCanUse() throws SQLException {
      DatabaseMetaData meta = connection.getMetaData();
      try (ResultSet rs = meta.getCatalogs()) {
        assertFalse(rs.next(), "Annals has no catalogs");
      }
      List<String> types = new ArrayList<>();
      try (ResultSet rs = meta.getTypeInfo()) {
        while (rs.next()) {
          types.add(rs.getString("TYPE_NAME"));
        }
      }
      assertTrue(types.containsAll(List.of("VARCHAR", "BIGINT", "TIMESTAMP", "BOOLEAN", "DECIMAL")), types.toString());
      assertFalse(types.contains("MULTISET") || types.contains("CURSOR") || types.contains("GEOMETRY"), types.toString());
    }

    @Test
    void isolationIsNoneAsThereAreNoTransactions() throws SQLException {
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      assertEquals(Connection.TRANSACTION_NONE, connection.getTransactionIsolation());
      assertFalse(connection.getMetaData().supportsTransactions());
    }

    @Test
    void connectionStateIsWhatAWritableAutoCommitDatabaseReports() throws SQLException {
      assertTrue(connection.getAutoCommit());
      assertFalse(connection.isReadOnly());
      assertDoesNotThrow(() -> connection.commit());
      assertDoesNotThrow(() -> connection.rollback());
    }

    @Test
    void aSchemaThatDoesNotExistIsRefusedAtOnceAndTheConnectionGoesOn() throws SQLException {
      SQLException e = assertThrows(SQLException.class, () -> connection.setSchema("nope"));
      assertEquals("3F000", e.getSQLState());
      assertTrue(e.getMessage().contains("schema 'nope' does not exist"), e.getMessage());
      assertEquals("annals", connection.getSchema());
      assertEquals(events(), rows("SELECT 1 FROM events"));
      connection.setSchema("annals_system");
      assertTrue(rows("SELECT * FROM streams") > 0);
    }

    @Test
    void nativeSqlAndClientInfo() throws SQLException {
      assertEquals("SELECT {fn UCASE('a')}", connection.nativeSQL("SELECT {fn UCASE('a')}"));
      connection.setClientInfo("ApplicationName", "DBeaver");
      assertEquals("DBeaver", connection.getClientInfo("ApplicationName"));
    }

    @Test
    void settingACatalogIsIgnoredAndTheConnectionGoesOn() throws SQLException {
      connection.setCatalog("annals");
      assertEquals(events(), rows("SELECT 1 FROM events"));
      connection.setAutoCommit(false);
      assertEquals(events(), rows("SELECT 1 FROM events"));
      assertTrue(connection.getAutoCommit(), "auto-commit stays on: there are no transactions");
    }
  }
}
