package org.annals.examples;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One example: {@code NN_name.sql} opens with {@code --} comment lines that state the question,
 * may declare {@code ?} parameters as {@code -- param: string|long|timestamp <value>} and what its
 * plan must show as {@code -- plan: <text of EXPLAIN>} (the work pushed into the scan), and is
 * followed by one SQL statement. Its answer lives beside it in {@code NN_name.expected}: a header
 * line and one line per row, values separated by " | ", NULL for null. An example whose answer
 * depends on what is flushed (the system tables) has a second answer in {@code NN_name.wal.expected}.
 */
record ExampleQuery(Path file, String question, String sql, List<Object> parameters, List<String> plan) {
  static final String SEPARATOR = " | ";

  static List<ExampleQuery> loadAll(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<ExampleQuery> out = new ArrayList<>();
      for (Path f : files.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
        out.add(load(f));
      }
      return out;
    }
  }

  static ExampleQuery load(Path file) throws IOException {
    StringBuilder question = new StringBuilder();
    StringBuilder sql = new StringBuilder();
    List<Object> parameters = new ArrayList<>();
    List<String> plan = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("-- plan:")) {
        plan.add(line.substring("-- plan:".length()).trim());
      } else if (line.startsWith("-- param:")) {
        parameters.add(parameter(file, line.substring("-- param:".length()).trim()));
      } else if (line.startsWith("--") && sql.isEmpty()) {
        question.append(question.isEmpty() ? "" : " ").append(line.substring(2).trim());
      } else if (!line.isBlank() || !sql.isEmpty()) {
        sql.append(line).append('\n');
      }
    }
    String statement = sql.toString().trim();
    if (statement.endsWith(";")) {
      statement = statement.substring(0, statement.length() - 1);
    }
    return new ExampleQuery(file, question.toString(), statement, parameters, plan);
  }

  private static Object parameter(Path file, String spec) {
    String[] parts = spec.split(" ", 2);
    return switch (parts[0]) {
      case "string" -> parts[1];
      case "long" -> Long.parseLong(parts[1]);
      case "timestamp" -> Timestamp.valueOf(parts[1]);
      default -> throw new IllegalArgumentException(file + ": unknown parameter type '" + parts[0]
          + "'; use string, long or timestamp");
    };
  }

  String name() {
    String n = file.getFileName().toString();
    return n.substring(0, n.length() - ".sql".length());
  }

  /** The file beside this one with the same name and another extension. */
  Path expectedFile(String extension) {
    return file.resolveSibling(name() + "." + extension);
  }

  /** The query's plan, as EXPLAIN PLAN FOR gives it with the parameters bound. */
  String explain(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN PLAN FOR " + sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        ps.setObject(i + 1, parameters.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        StringBuilder plan = new StringBuilder();
        while (rs.next()) {
          plan.append(rs.getString(1));
        }
        return plan.toString();
      }
    }
  }

  /** Runs the query and renders its result as the expected file's lines. */
  List<String> run(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        ps.setObject(i + 1, parameters.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        List<String> lines = new ArrayList<>();
        List<String> header = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          header.add(md.getColumnLabel(i));
        }
        lines.add(String.join(SEPARATOR, header));
        while (rs.next()) {
          List<String> values = new ArrayList<>();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            values.add(render(rs.getObject(i)));
          }
          lines.add(String.join(SEPARATOR, values));
        }
        return lines;
      }
    }
  }

  private static String render(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    return v.toString();
  }
}
