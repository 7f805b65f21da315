package dev.taskboard.devops.cli;

import dev.taskboard.devops.board.ExpectationFailedException;
import dev.taskboard.devops.board.TaskNotFoundException;
import dev.taskboard.devops.files.BusyFileException;
import dev.taskboard.devops.worker.AlreadyRunningException;
import dev.taskboard.devops.worker.WorkerFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The command line: parses arguments, wires the parts, chooses the exit code. */
@Command(
    name = "devops-worker",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "The DevOps-Engineer of a file-based agent team.",
    subcommands = {
      RunCommand.class,
      DemoCommand.class,
      PlanCommand.class,
      StatusCommand.class,
      BoardCommand.class,
      ReportCommand.class,
      ValidateCommand.class,
      InitCommand.class,
      DecideCommand.Approve.class,
      DecideCommand.Reject.class,
      DecideCommand.Retry.class,
      DecideCommand.TrustRunbook.class,
      McpCommand.class
    })
public final class Main implements Callable<Integer> {
  /** The environment the commands read (HOME, XDG_*, DEVOPS_WORKER_*): injected for tests. */
  private final Map<String, String> env;

  /** The time commands stamp on what they write: injected for tests. */
  private final Clock clock;

  @Spec CommandSpec spec;

  private Main(Map<String, String> env, Clock clock) {
    this.env = Map.copyOf(env);
    this.clock = clock;
  }

  /** {@code devops-worker} alone: which commands there are. */
  @Override
  public Integer call() {
    return missingCommand(spec);
  }

  /** A command that only groups subcommands, run without one: one line naming them, exit 2. */
  static int missingCommand(CommandSpec spec) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "devops-worker: give a command: "
            + String.join(", ", spec.subcommands().keySet())
            + " (see '"
            + spec.qualifiedName()
            + " --help')");
    err.flush();
    return ExitCode.BAD_INPUT;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code (for tests and embedding). */
  public static int run(String... args) {
    return commandLine(System.getenv()).execute(args);
  }

  /** Runs one command line writing to {@code out} and {@code err} (for tests and embedding). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(out, err, System.getenv(), args);
  }

  /** Runs one command line with the environment {@code env} instead of the process's. */
  public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
    return run(out, err, env, Clock.systemUTC(), args);
  }

  /** Runs one command line with {@code env} and {@code clock} instead of the process's. */
  public static int run(
      PrintWriter out, PrintWriter err, Map<String, String> env, Clock clock, String... args) {
    return commandLine(env, clock).setOut(out).setErr(err).execute(args);
  }

  /** The environment of the command line {@code spec} belongs to. */
  static Map<String, String> env(CommandSpec spec) {
    return ((Main) spec.root().userObject()).env;
  }

  /** The clock of the command line {@code spec} belongs to. */
  static Clock clock(CommandSpec spec) {
    return ((Main) spec.root().userObject()).clock;
  }

  static CommandLine commandLine(Map<String, String> env) {
    return commandLine(env, Clock.systemUTC());
  }

  static CommandLine commandLine(Map<String, String> env, Clock clock) {
    CommandLine cl = new CommandLine(new Main(env, clock));
    everyCommand(cl, Main::withStandardOptions);
    cl.setExecutionExceptionHandler(Main::exitCodeOf);
    cl.setParameterExceptionHandler(
        (e, args) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println(
              "devops-worker: "
                  + Typos.explain(e)
                  + " (see '"
                  + e.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help')");
          err.flush();
          return ExitCode.BAD_INPUT;
        });
    return cl;
  }

  /** {@code action} on {@code cl} and each of its subcommands, depth first. */
  static void everyCommand(CommandLine cl, Consumer<CommandLine> action) {
    action.accept(cl);
    for (CommandLine sub : cl.getSubcommands().values()) {
      everyCommand(sub, action);
    }
  }

  /** --help, -h, --version and -V on every command, and the one version they print. */
  private static void withStandardOptions(CommandLine cl) {
    CommandSpec spec = cl.getCommandSpec();
    spec.mixinStandardHelpOptions(true);
    spec.versionProvider(new Version());
  }

  private static int exitCodeOf(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    PrintWriter err = cl.getErr();
    int code;
    if (cause instanceof TaskNotFoundException) {
      code = ExitCode.NOT_FOUND;
    } else if (cause instanceof ExpectationFailedException) {
      code = ExitCode.CONFLICT;
    } else if (cause instanceof AlreadyRunningException) {
      code = ExitCode.ALREADY_RUNNING;
    } else if (cause instanceof WorkerFailure) {
      code = ExitCode.LOST_OWN_FILES;
    } else if (cause instanceof BusyFileException) {
      code = ExitCode.BUSY;
    } else if (cause instanceof IOException || cause instanceof IllegalArgumentException) {
      code = ExitCode.BAD_INPUT;
    } else {
      err.println("devops-worker: internal error, please report it:");
      cause.printStackTrace(err);
      err.flush();
      return ExitCode.INTERNAL;
    }
    err.println("devops-worker: " + cause.getMessage());
    err.flush();
    return code;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"devops-worker " + (v == null ? "(development build)" : v)};
    }
  }
}
