package org.annals.engine.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.annals.engine.jdbc.ClientProperties;
import org.annals.engine.jdbc.EmbeddedDriver;
import org.annals.engine.server.ServerConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sqlline.SqlLine;

/**
 * The sqlline shell on a server or a data folder. A server is reached through the thin driver
 * when it is on the class path (the {@code annals} script puts its jar there), so that the shell
 * sees what BI tools see (its DatabaseMetaData: sqlline's {@code !columns}, {@code !describe});
 * without it (the engine alone, as in its own tests), through Avatica's remote driver, to which
 * the URL's settings are passed on.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Open a SQL shell (sqlline) on a server or a data folder; -e runs one statement.")
final class SqlCommand implements Callable<Integer> {
  /**
   * As the thin driver reads it: a host name or [IPv6 address], a port, and optionally the
   * serialization and pushdown settings, whose values alone may be in any case.
   */
  private static final String SETTING = "(?:serialization=(?i:json|protobuf)|pushdown=(?i:true|false)|ssl=(?i:true|false)"
      + "|" + ClientProperties.AS_OF + "=[0-9A-Za-z:.%+-]+)";
  private static final Pattern THIN = Pattern.compile(
      "jdbc:annals://([A-Za-z0-9][A-Za-z0-9._-]*|\\[[0-9A-Fa-f:.]+]):(\\d{1,5})/?"
          + "(\\?" + SETTING + "(?:&" + SETTING + "){0,3})?");
  private static final String THIN_DRIVER = "org.annals.jdbc.Driver";
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

  @Option(names = "--user", paramLabel = "NAME",
      description = "Connect as this user of a server with users; the password comes from the environment"
          + " variable ANNALS_PASSWORD, or is asked for at the terminal.")
  String user;

  @Override
  public Integer call() throws Exception {
    String jdbc = jdbcUrl();
    List<String> args = new ArrayList<>(List.of("-u", jdbc, "-n", user == null ? "" : user, "-p", password(),
        "--showHeader=true", "--outputFormat=table", "--maxWidth=200", "--silent=true",
        "--isolation=TRANSACTION_NONE"));
    if (System.console() == null) {
      // Without a terminal (a pipe, a script), jline would warn before falling back to this.
      System.setProperty("org.jline.terminal.dumb", "true");
    }
    if (execute != null) {
      // A statement run from a script prints in full: a plan's lines run far past a terminal's width.
      args.add("--maxWidth=" + Integer.MAX_VALUE);
      args.add("-e");
      args.add(execute);
    }
    if (execute == null) {
      return new SqlLine().begin(args.toArray(new String[0]), null, true) == SqlLine.Status.OK ? 0 : 1;
    }
    PrintStream err = System.err;
    System.setErr(new PrintStream(new StackTraceFilter(err), true, StandardCharsets.UTF_8));
    try {
      return new SqlLine().begin(args.toArray(new String[0]), null, false) == SqlLine.Status.OK ? 0 : 1;
    } finally {
      System.err.flush();
      System.setErr(err);
    }
  }

  private String password() {
    if (user == null) {
      return "";
    }
    String fromEnvironment = System.getenv("ANNALS_PASSWORD");
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    if (System.console() == null) {
      throw new IllegalArgumentException("no terminal to ask for " + user + "'s password; set ANNALS_PASSWORD");
    }
    return new String(System.console().readPassword("Password for %s: ", user));
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
          + " from 1 to 65535 (optionally ?ssl=true, &serialization=protobuf|json, &pushdown=true|false and &as_of=a"
          + " global_seq or a UTC timestamp, a space written %20); got " + url);
    }
    if (thinDriverPresent()) {
      return url;
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("serialization", "protobuf");
    if (m.group(3) != null) {
      for (String setting : m.group(3).substring(1).split("&")) {
        String[] nameAndValue = setting.split("=", 2);
        if (nameAndValue[0].equals(ClientProperties.AS_OF)) {
          // Avatica's own driver drops a setting of its URL that it does not know.
          throw new IllegalArgumentException(ClientProperties.AS_OF + " in --url needs the Annals driver, which ./annals"
              + " puts on the class path (jdbc-driver/target/annals-jdbc-*.jar); build it with mvn package");
        }
        settings.put(nameAndValue[0], nameAndValue[1].toLowerCase(Locale.ROOT));
      }
    }
    String scheme = "true".equals(settings.remove("ssl")) ? "https" : "http";
    StringBuilder avatica = new StringBuilder("jdbc:avatica:remote:url=" + scheme + "://" + m.group(1) + ":" + m.group(2));
    settings.forEach((name, value) -> avatica.append(';').append(name).append('=').append(value));
    return avatica.toString();
  }

  private static boolean thinDriverPresent() {
    try {
      Class.forName(THIN_DRIVER, false, SqlCommand.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
