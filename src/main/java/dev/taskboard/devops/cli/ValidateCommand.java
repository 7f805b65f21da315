package dev.taskboard.devops.cli;

import dev.taskboard.devops.validate.Finding;
import dev.taskboard.devops.validate.Validator;
import dev.taskboard.devops.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code validate}: every problem in the board, runbook and human-requests.md, nothing changed. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Check the board, the runbook and human-requests.md without changing anything: one"
            + " 'file:line:column: what is wrong; what to do' per finding. Exit 0 no findings,"
            + " 1 findings, 2 a file cannot be read. Without a runbook, the board and"
            + " human-requests.md are checked and one line says the runbook checks were skipped.")
final class ValidateCommand implements Callable<Integer> {
  @Mixin BoardCommand.BoardOptions board;
  @Spec CommandSpec spec;

  @Option(
      names = "--runbook",
      paramLabel = "FILE",
      description =
          "The runbook. Default: $DEVOPS_WORKER_RUNBOOK, else ./deployment.md, else deployment.md beside the board.")
  Path runbook;

  @Option(
      names = "--human-requests",
      paramLabel = "FILE",
      description =
          "Default: human-requests.md beside the board (beside its directory for a per-task"
              + " board). No file is no finding.")
  Path humanRequests;

  @Override
  public Integer call() throws IOException {
    WorkerConfig config = config();
    Path requests = humanRequests != null ? humanRequests : relative(config.humanRequests());
    PrintWriter out = spec.commandLine().getOut();
    Path checkedRunbook = config.runbook();
    Optional<String> skipped = runbookSkipped(runbook, Main.env(spec), checkedRunbook);
    if (skipped.isPresent()) {
      out.println(skipped.get());
      checkedRunbook = null;
    }
    List<Finding> findings =
        Validator.validate(config.board(), config.arrayPath(), checkedRunbook, requests);
    findings.forEach(out::println);
    out.println(
        switch (findings.size()) {
          case 0 -> "no findings";
          case 1 -> "1 finding";
          default -> findings.size() + " findings";
        });
    out.flush();
    return findings.isEmpty() ? ExitCode.OK : ExitCode.FINDINGS;
  }

  /**
   * The line saying the runbook checks are skipped, when no runbook was named ({@code --runbook},
   * $DEVOPS_WORKER_RUNBOOK) and none is where the worker looks ({@code resolved}); a runbook named
   * but missing stays an error.
   */
  static Optional<String> runbookSkipped(Path option, Map<String, String> env, Path resolved) {
    if (option != null
        || !env.getOrDefault("DEVOPS_WORKER_RUNBOOK", "").isBlank()
        || Files.exists(resolved)) {
      return Optional.empty();
    }
    return Optional.of(
        "runbook checks skipped: no runbook at "
            + relative(resolved.toAbsolutePath())
            + " (name one with --runbook)");
  }

  /** The files exactly as {@code run} resolves them. */
  private WorkerConfig config() {
    return WorkerOptions.builder(Main.env(spec), board)
        .runbook(WorkerOptions.Runbook.of(runbook))
        .humanRequests(WorkerOptions.HumanRequests.of(humanRequests))
        .config();
  }

  /**
   * The default beside the board is absolute; findings read better with the path the user typed.
   */
  private static Path relative(Path file) {
    Path cwd = Path.of("").toAbsolutePath();
    return file.isAbsolute() && file.startsWith(cwd) ? cwd.relativize(file) : file;
  }
}
