package dev.taskboard.devops.cli;

import dev.taskboard.devops.worker.Worker;
import java.io.IOException;
import java.io.PrintWriter;
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
      names = "--once",
      description = "Process what is pending now (and what that unblocks), then exit.")
  boolean once;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    try (Worker worker = Worker.open(options.config(Main.env(spec)))) {
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
