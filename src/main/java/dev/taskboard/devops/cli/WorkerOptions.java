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

/**
 * The worker's options in parts, so each command declares only those that act there: {@code run}
 * takes them all (this class as a mixin), {@code report} only the board and the state dir ({@link
 * #builder(Map, BoardCommand.BoardOptions)} with those parts). A part a command lacks takes its
 * default (the environment's, else the one beside the board).
 */
final class WorkerOptions {
  @Mixin BoardCommand.BoardOptions board;
  @Mixin Runbook runbook;
  @Mixin RunbookFiles runbookFiles;
  @Mixin Filter filter;
  @Mixin StateDir stateDir;
  @Mixin HumanRequests humanRequests;
  @Mixin Rescan rescan;

  WorkerConfig config(Map<String, String> env) {
    return builder(env).build();
  }

  /** The configuration these options and {@code env} give, to add a command's own options to. */
  WorkerConfig.Builder builder(Map<String, String> env) {
    return WorkerOptions.builder(env, board)
        .runbook(runbook)
        .runbookFiles(runbookFiles)
        .filter(filter)
        .stateDir(stateDir)
        .humanRequests(humanRequests)
        .rescan(rescan)
        .builder();
  }

  /** {@code --runbook}. */
  static final class Runbook {
    @Option(
        names = "--runbook",
        paramLabel = "FILE",
        description =
            "The runbook. Default: $DEVOPS_WORKER_RUNBOOK, else ./deployment.md, else deployment.md beside the board.")
    Path file;

    static Runbook of(Path file) {
      Runbook r = new Runbook();
      r.file = file;
      return r;
    }
  }

  /** {@code --runbook-file}, repeatable. */
  static final class RunbookFiles {
    @Option(
        names = "--runbook-file",
        paramLabel = "FILE",
        description =
            "Another runbook file whose sections count, beside the runbook (repeatable). Default:"
                + " $DEVOPS_WORKER_RUNBOOK_FILES (separated by ':'). No other file is ever read for"
                + " steps.")
    List<Path> files = new ArrayList<>();
  }

  /** {@code --filter}. */
  static final class Filter {
    @Option(
        names = "--filter",
        paramLabel = "JSONPATH_FILTER",
        description =
            "Which tasks the worker takes. Default: DevOps-Engineer, pending, deployment_*/infrastructure_*/monitoring_setup.")
    String expression;
  }

  /** {@code --state-dir}. */
  static final class StateDir {
    @Option(
        names = "--state-dir",
        paramLabel = "DIR",
        description =
            "The worker's journal and logs. Default: $XDG_STATE_HOME/devops-worker/<project>-<hash of the board's path>/ (~/.local/state/...), outside the project, readable by this user only.")
    Path dir;
  }

  /** {@code --human-requests}. */
  static final class HumanRequests {
    @Option(
        names = "--human-requests",
        paramLabel = "FILE",
        description =
            "Where the worker asks humans and reads their answers. Default: human-requests.md beside the board.")
    Path file;

    static HumanRequests of(Path file) {
      HumanRequests h = new HumanRequests();
      h.file = file;
      return h;
    }
  }

  /** {@code --rescan}. */
  static final class Rescan {
    @Option(
        names = "--rescan",
        paramLabel = "SECONDS",
        description = "Safety rescan period even without file events (default: ${DEFAULT-VALUE}).",
        defaultValue = "30")
    long seconds;
  }

  /** A configuration from the board options and whichever parts a command has. */
  static Parts builder(Map<String, String> env, BoardCommand.BoardOptions board) {
    return new Parts(env, board);
  }

  /** The parts a command passes; those it does not pass keep their defaults. */
  static final class Parts {
    private final Map<String, String> env;
    private final BoardCommand.BoardOptions board;
    private Runbook runbook;
    private RunbookFiles runbookFiles;
    private Filter filter;
    private StateDir stateDir;
    private HumanRequests humanRequests;
    private Rescan rescan;

    private Parts(Map<String, String> env, BoardCommand.BoardOptions board) {
      this.env = env;
      this.board = board;
    }

    Parts runbook(Runbook part) {
      runbook = part;
      return this;
    }

    Parts runbookFiles(RunbookFiles part) {
      runbookFiles = part;
      return this;
    }

    Parts filter(Filter part) {
      filter = part;
      return this;
    }

    Parts stateDir(StateDir part) {
      stateDir = part;
      return this;
    }

    Parts humanRequests(HumanRequests part) {
      humanRequests = part;
      return this;
    }

    Parts rescan(Rescan part) {
      rescan = part;
      return this;
    }

    WorkerConfig config() {
      return builder().build();
    }

    WorkerConfig.Builder builder() {
      Path boardFile = BoardCommand.resolveBoard(board == null ? null : board.board, env);
      String tasksPath = board == null ? null : board.tasksPath;
      WorkerConfig.Builder c =
          WorkerConfig.builder(
                  boardFile, resolveRunbook(runbook == null ? null : runbook.file, boardFile), env)
              .filter(
                  filter == null || filter.expression == null
                      ? TaskFilter.defaultFilter()
                      : TaskFilter.parse(filter.expression))
              .arrayPath(tasksPath == null ? ArrayPath.auto() : ArrayPath.parse(tasksPath))
              .runbookFiles(runbookFiles(runbookFiles == null ? List.of() : runbookFiles.files));
      if (stateDir != null && stateDir.dir != null) {
        c.stateDir(stateDir.dir);
      }
      if (humanRequests != null && humanRequests.file != null) {
        c.humanRequests(humanRequests.file);
      }
      if (rescan != null) {
        if (rescan.seconds <= 0) {
          throw new IllegalArgumentException(
              "--rescan must be a positive number of seconds, got " + rescan.seconds);
        }
        c.rescan(Duration.ofSeconds(rescan.seconds));
      }
      return c;
    }

    private List<Path> runbookFiles(List<Path> given) {
      if (!given.isEmpty()) {
        return given;
      }
      String named = env.getOrDefault("DEVOPS_WORKER_RUNBOOK_FILES", "");
      return Arrays.stream(named.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    private Path resolveRunbook(Path given, Path boardFile) {
      if (given != null) {
        return given;
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
}
