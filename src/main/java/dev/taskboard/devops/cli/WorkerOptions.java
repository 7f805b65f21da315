package dev.taskboard.devops.cli;

import dev.taskboard.devops.board.ArrayPath;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the commands that work as the worker: run, plan, status, demo. */
final class WorkerOptions {
  @Mixin BoardCommand.BoardOptions board;

  @Option(
      names = "--runbook",
      paramLabel = "FILE",
      description =
          "The runbook. Default: $DEVOPS_WORKER_RUNBOOK, else ./deployment.md, else deployment.md beside the board.")
  Path runbook;

  @Option(
      names = "--filter",
      paramLabel = "JSONPATH_FILTER",
      description =
          "Which tasks the worker takes. Default: DevOps-Engineer, pending, deployment_*/infrastructure_*/monitoring_setup.")
  String filter;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "The worker's journal and logs. Default: $XDG_STATE_HOME/devops-worker/<project>-<hash of the board's path>/ (~/.local/state/...), outside the project, readable by this user only.")
  Path stateDir;

  @Option(
      names = "--human-requests",
      paramLabel = "FILE",
      description =
          "Where the worker asks humans and reads their answers. Default: human-requests.md beside the board.")
  Path humanRequests;

  @Option(
      names = "--rescan",
      paramLabel = "SECONDS",
      description = "Safety rescan period even without file events (default: ${DEFAULT-VALUE}).",
      defaultValue = "30")
  long rescanSeconds;

  @Option(
      names = "--runbook-file",
      paramLabel = "FILE",
      description =
          "Another runbook file whose sections count, beside the runbook (repeatable). Default:"
              + " $DEVOPS_WORKER_RUNBOOK_FILES (separated by ':'). No other file is ever read for"
              + " steps.")
  List<Path> runbookFiles = new ArrayList<>();

  WorkerConfig config(Map<String, String> env) {
    return builder(env).build();
  }

  /** The configuration these options and {@code env} give, to add a command's own options to. */
  WorkerConfig.Builder builder(Map<String, String> env) {
    Path boardFile = BoardCommand.resolveBoard(board.board, env);
    WorkerConfig.Builder c =
        WorkerConfig.builder(boardFile, resolveRunbook(boardFile, env), env)
            .filter(filter == null ? TaskFilter.defaultFilter() : TaskFilter.parse(filter))
            .arrayPath(
                board.tasksPath == null ? ArrayPath.auto() : ArrayPath.parse(board.tasksPath))
            .runbookFiles(runbookFiles(env));
    if (stateDir != null) {
      c.stateDir(stateDir);
    }
    if (rescanSeconds <= 0) {
      throw new IllegalArgumentException(
          "--rescan must be a positive number of seconds, got " + rescanSeconds);
    }
    if (humanRequests != null) {
      c.humanRequests(humanRequests);
    }
    return c.rescan(Duration.ofSeconds(rescanSeconds));
  }

  private List<Path> runbookFiles(Map<String, String> env) {
    if (!runbookFiles.isEmpty()) {
      return runbookFiles;
    }
    String named = env.getOrDefault("DEVOPS_WORKER_RUNBOOK_FILES", "");
    return Arrays.stream(named.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList();
  }

  private Path resolveRunbook(Path boardFile, Map<String, String> env) {
    if (runbook != null) {
      return runbook;
    }
    String named = env.get("DEVOPS_WORKER_RUNBOOK");
    if (named != null && !named.isBlank()) {
      return Path.of(named);
    }
    Path here = Path.of("deployment.md");
    if (Files.exists(here)) {
      return here;
    }
    Path parent = boardFile.toAbsolutePath().getParent();
    return parent == null ? here : parent.resolve("deployment.md");
  }
}
