package org.annals.engine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.annals.engine.demo.ShopHistoryGenerator;
import org.annals.engine.server.AnnalsServer;
import org.annals.engine.server.ServerConfig;
import org.annals.engine.demo.SimulatedClock;
import org.annals.storage.EventStore;
import org.annals.storage.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Fill a data folder with a sample shop history (if it has no events yet) and serve it.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--data", defaultValue = "annals-data",
      description = "The data folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Mixin
  HistoryOptions history;

  @Mixin
  ServerOptions server;

  @Mixin
  FlushOptions flush;

  @Override
  public Integer call() throws Exception {
    long events = history.events();
    ServerConfig config = server.config(data);
    AnnalsServer.checkSecurity(config);
    SimulatedClock clock = new SimulatedClock(ShopHistoryGenerator.START);
    EventStore store = EventStore.open(flush.applyTo(StoreOptions.builder(data).clock(clock)).build());
    if (store.streams().isEmpty()) {
      GenerateCommand.fill(store, clock, events, history.seed);
    } else {
      System.out.println(data.toAbsolutePath() + " already holds events; serving them as they are"
          + " (--size and --seed apply only to an empty folder)");
    }
    clock.release();
    Serving.serveUntilStopped(store, config, System.out, () -> printGuide(config));
    return 0;
  }

  /** How to reach the server just started: the examples name its address unless it is the default. */
  private static void printGuide(ServerConfig config) {
    boolean usual = config.host().equals(ServerConfig.DEFAULT_HOST) && config.port() == ServerConfig.DEFAULT_PORT;
    String sql = "./annals sql" + (usual ? "" : " --url jdbc:annals://" + config.host() + ":" + config.port());
    System.out.println("  Driver jar:  " + driverJar());
    System.out.println("  Driver class: org.annals.jdbc.Driver");
    System.out.println();
    System.out.println("Try, from another terminal:");
    System.out.println("  " + sql + " -e \"SELECT stream_name, events, entities FROM annals_system.streams\"");
    System.out.println("  " + sql + " -e \"SELECT event_type, COUNT(*) AS n FROM events GROUP BY event_type ORDER BY n DESC\"");
    System.out.println("  " + sql + " -e \"SELECT JSON_VALUE(payload, '$.currency') AS currency,"
        + " SUM(CAST(JSON_VALUE(payload, '$.amount') AS DECIMAL(12,2))) AS revenue"
        + " FROM payments WHERE event_type = 'Captured' GROUP BY JSON_VALUE(payload, '$.currency')\"");
    System.out.println("  " + sql + " -e \"SELECT currency, CAST(ROUND(SUM(amount), 2) AS DECIMAL(14, 2)) AS captured,"
        + " COUNT(*) AS payments FROM types.payments_captured GROUP BY currency ORDER BY currency\"");
  }

  /** The driver jar in the checkout the annals script runs from (it sets annals.home). */
  private static String driverJar() {
    Path target = Path.of(System.getProperty("annals.home", "."), "jdbc-driver", "target");
    if (Files.isDirectory(target)) {
      try (Stream<Path> files = Files.list(target)) {
        return files.filter(p -> p.getFileName().toString().matches("annals-jdbc-.*\\.jar"))
            .map(p -> p.toAbsolutePath().toString()).findFirst()
            .orElse("build it with: mvn -DskipTests package");
      } catch (java.io.IOException e) {
        return target.toAbsolutePath() + " (unreadable: " + e.getMessage() + ")";
      }
    }
    return "jdbc-driver/target/annals-jdbc-<version>.jar (build it with: mvn -DskipTests package)";
  }
}
