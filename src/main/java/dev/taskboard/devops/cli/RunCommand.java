package dev.taskboard.devops.cli;

import dev.taskboard.devops.worker.Worker;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: the daemon, in the foreground, logging one line per event to stderr. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Watch the board and run the DevOps tasks on it, one at a time, until stopped.")
final class RunCommand implements Callable<Integer> {
  @Mixin WorkerOptions options;

  @Option(
      names = "--once",
      description = "Process what is pending now (and what that unblocks), then exit.")
  boolean once;

  @Override
  public Integer call() throws IOException, InterruptedException {
    try (Worker worker = Worker.open(options.config())) {
      Thread hook =
          new Thread(
              () -> {
                worker.stop();
                try {
                  worker.awaitFinished(15, TimeUnit.MINUTES);
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
