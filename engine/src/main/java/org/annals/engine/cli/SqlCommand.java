package org.annals.engine.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.annals.engine.jdbc.EmbeddedDriver;
import org.annals.engine.server.ServerConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sqlline.SqlLine;

/**
 * The sqlline shell on a server or a data folder. The thin driver's {@code jdbc:annals://} URL is
 * translated to Avatica's remote URL here, since the engine does not depend on the driver jar.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Open a SQL shell (sqlline) on a server or a data folder; -e runs one statement.")
final class SqlCommand implements Callable<Integer> {
  /**
   * As the thin driver reads it: a host name or [IPv6 address], a port, and optionally the
   * serialization, whose value alone may be in any case.
   */
  private static final Pattern THIN = Pattern.compile(
      "jdbc:annals://([A-Za-z0-9][A-Za-z0-9._-]*|\\[[0-9A-Fa-f:.]+]):(\\d{1,5})/?"
          + "(\\?serialization=((?i:json|protobuf)))?");
  private static final String DEFAULT_URL = "jdbc:annals://" + ServerConfig.DEFAULT_HOST + ":"
      + ServerConfig.DEFAULT_PORT;

  @ArgGroup(exclusive = true)
  Target target;

  static final class Target {
    @Option(names = "--url", description = "A server: jdbc:annals://host:port (default " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--data", description = "A data folder opened in this process (no server may hold it).")
    Path data;
  }

  @Option(names = "-e", description = "Run this statement, print the result as a table and exit.")
  String execute;

  @Override
  public Integer call() throws Exception {
    String jdbc = jdbcUrl();
    List<String> args = new ArrayList<>(List.of("-u", jdbc, "-n", "", "-p", "",
        "--showHeader=true", "--outputFormat=table", "--maxWidth=200", "--silent=true",
        "--isolation=TRANSACTION_NONE"));
    if (System.console() == null) {
      // Without a terminal (a pipe, a script), jline would warn before falling back to this.
      System.setProperty("org.jline.terminal.dumb", "true");
    }
    if (execute != null) {
      args.add("-e");
      args.add(execute);
    }
    SqlLine.Status status = new SqlLine().begin(args.toArray(new String[0]), null, true);
    return status == SqlLine.Status.OK ? 0 : 1;
  }

  private String jdbcUrl() {
    if (target != null && target.data != null) {
      return EmbeddedDriver.PREFIX + target.data.toAbsolutePath();
    }
    String url = target == null ? DEFAULT_URL : target.url;
    Matcher m = THIN.matcher(url);
    int port = m.matches() ? Integer.parseInt(m.group(2)) : 0;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--url must look like jdbc:annals://host:port with a port"
          + " from 1 to 65535 (optionally ?serialization=protobuf|json); got " + url);
    }
    return "jdbc:avatica:remote:url=http://" + m.group(1) + ":" + m.group(2) + ";serialization="
        + (m.group(4) == null ? "protobuf" : m.group(4).toLowerCase(Locale.ROOT));
  }
}
