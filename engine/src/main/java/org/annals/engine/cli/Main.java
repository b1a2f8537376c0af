package org.annals.engine.cli;

import java.time.ZoneOffset;
import java.util.TimeZone;
import org.annals.engine.AnnalsVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code annals} command line. */
@Command(name = "annals", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Annals: an event store you query with SQL.",
    subcommands = {ServeCommand.class, DemoCommand.class, GenerateCommand.class, ImportCommand.class,
        SqlCommand.class, FlushCommand.class, StatusCommand.class, UserCommand.class, BackupCommand.class,
        RetentionCommand.class, EraseCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Annals time is UTC. Avatica's server writes a result's first frame in UTC and its later
    // frames in the JVM's zone, so a server in any other zone would shift recorded_at from the
    // second frame on; the process runs in UTC whatever the machine's zone.
    TimeZone.setDefault(TimeZone.getTimeZone(ZoneOffset.UTC));
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit status, for tests and for {@link #main}. */
  public static int run(String... args) {
    return new CommandLine(new Main()).setExecutionExceptionHandler(Main::report).execute(args);
  }

  /** A failed command prints what went wrong, not a stack trace, and exits with status 1. */
  private static int report(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + message);
    command.getErr().flush();
    return 1;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Prints the version Maven wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"annals " + AnnalsVersion.VERSION};
    }
  }
}
