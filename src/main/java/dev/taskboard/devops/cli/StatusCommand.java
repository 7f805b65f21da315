package dev.taskboard.devops.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.worker.StatusReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code status}: the worker's tasks, their states, attempts, last messages and logs. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Whether a worker runs on the board, and its tasks: id, type, status, attempts, last message, log.")
final class StatusCommand implements Callable<Integer> {
  @Mixin BoardCommand.BoardOptions board;
  @Mixin WorkerOptions.Filter filter;
  @Mixin WorkerOptions.StateDir stateDir;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "One JSON object instead of text.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ObjectNode status =
        StatusReport.of(
            WorkerOptions.builder(Main.env(spec), board)
                .filter(filter)
                .stateDir(stateDir)
                .config());
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? Json.compact(status) + "\n" : StatusReport.text(status));
    out.flush();
    return ExitCode.OK;
  }
}
