package dev.taskboard.devops.cli;

import dev.taskboard.devops.worker.Plan;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plan TASK_ID}: what the worker would run for a task, with nothing executed. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description =
        "Dry run: the runbook section, each step with its interpreter, settings and environment, and the rollback that would follow. Nothing is executed.")
final class PlanCommand implements Callable<Integer> {
  @Mixin BoardCommand.BoardOptions board;
  @Mixin WorkerOptions.Runbook runbook;
  @Mixin WorkerOptions.RunbookFiles runbookFiles;
  @Mixin WorkerOptions.Filter filter;
  @Mixin WorkerOptions.StateDir stateDir;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "TASK_ID")
  String id;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    out.print(
        Plan.describe(
            WorkerOptions.builder(Main.env(spec), board)
                .runbook(runbook)
                .runbookFiles(runbookFiles)
                .filter(filter)
                .stateDir(stateDir)
                .config(),
            id));
    out.flush();
    return ExitCode.OK;
  }
}
