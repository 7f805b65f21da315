package dev.taskboard.devops.cli;

import dev.taskboard.devops.trust.AllowedSigners;
import dev.taskboard.devops.worker.Worker;
import dev.taskboard.devops.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: the daemon, in the foreground, logging one line per event to stderr. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Watch the board and run the DevOps tasks on it, one at a time, until stopped.")
final class RunCommand implements Callable<Integer> {
  @Mixin WorkerOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--notify",
      paramLabel = "CMD",
      description =
          "A command run (by sh -c) for every new entry that waits for a human, with"
              + " DEVOPS_WORKER_REQUEST_ID, _REQUEST_TITLE, _TASK_ID, _REQUEST_PRIORITY and"
              + " _REQUESTS_FILE in its environment; e.g. notify-send, or a script posting to a"
              + " chat. Default: $DEVOPS_WORKER_NOTIFY.")
  String notify;

  @Option(
      names = "--signers",
      paramLabel = "FILE",
      description =
          "The allowed-signers file (OpenSSH format) whose keys may sign decisions. Default:"
              + " $DEVOPS_WORKER_SIGNERS, else $XDG_CONFIG_HOME/devops-worker/allowed_signers.")
  Path signers;

  @Option(
      names = "--allow-unsigned-approvals",
      description =
          "Without a signers file, let an unsigned approve in human-requests.md open the"
              + " production gate or waive evidence. Anyone who can write that file can then"
              + " deploy to production.")
  boolean allowUnsigned;

  @Option(
      names = "--once",
      description = "Process what is pending now (and what that unblocks), then exit.")
  boolean once;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    WorkerConfig.Builder config = options.builder(Main.env(spec)).allowUnsigned(allowUnsigned);
    if (notify != null) {
      config.notifyCommand(notify);
    }
    config.signers(AllowedSigners.resolve(signers, Main.env(spec)));
    WorkerConfig built = config.build();
    try (Worker worker = Worker.open(built)) {
      Banner.of(built, new Main.Version().getVersion()[0].replaceFirst("^devops-worker ", ""))
          .forEach(err::println);
      err.flush();
      Thread hook =
          new Thread(
              () -> {
                worker.stop();
                err.println(
                    "devops-worker: stopping" + worker.stopping().map(w -> ", " + w).orElse(""));
                err.flush();
                try {
                  // Every step and read the worker waits on is bounded: this wait ends when the
                  // running step's grace and its rollback have run out, at the latest.
                  worker.awaitFinished(worker.stopBound().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      worker.run(once);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // SIGTERM/SIGINT arrived: the hook is running and the JVM exits when it is done
      }
      return ExitCode.OK;
    }
  }
}
