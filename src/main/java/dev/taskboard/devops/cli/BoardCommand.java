package dev.taskboard.devops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.ArrayPath;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.BoardLayout;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.Stamp;
import dev.taskboard.devops.worker.Requeue;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code board get|list|patch|add}: safe board access for other agents and scripts. */
@Command(
    name = "board",
    description = "Read and change the task board with the worker's lock and surgical patches.",
    mixinStandardHelpOptions = true,
    subcommands = {
      BoardCommand.List.class,
      BoardCommand.Get.class,
      BoardCommand.PatchTask.class,
      BoardCommand.Add.class,
      BoardCommand.RequeueTask.class
    })
final class BoardCommand implements Callable<Integer> {
  @Spec CommandSpec boardSpec;

  /** {@code board} alone: which subcommands there are. */
  @Override
  public Integer call() {
    return Main.missingCommand(boardSpec);
  }

  /** Options every board command takes. */
  static final class BoardOptions {
    @Option(
        names = "--board",
        paramLabel = "FILE",
        description =
            "The board: a tasks.json, or a per-task board's directory (index.json plus one file per"
                + " task). Default: $DEVOPS_WORKER_BOARD, else .plan/tasks/, else .plan/tasks.json,"
                + " else ./tasks.json.")
    Path board;

    @Option(
        names = "--tasks-path",
        paramLabel = "JSONPATH",
        description =
            "Where the task array is, e.g. $.tasks. Default: $, $.tasks or $.master.tasks.")
    String tasksPath;

    Board open(Map<String, String> env) {
      Path file = resolveBoard(board, env);
      ArrayPath path = tasksPath == null ? ArrayPath.auto() : ArrayPath.parse(tasksPath);
      return Board.open(file, path);
    }
  }

  static Path resolveBoard(Path given, Map<String, String> env) {
    return BoardLayout.resolve(given, env);
  }

  @Command(name = "list", description = "Print matching tasks, one compact JSON object per line.")
  static final class List implements Callable<Integer> {
    @Mixin BoardOptions options;
    @Spec CommandSpec spec;

    @Option(
        names = "--filter",
        paramLabel = "JSONPATH_FILTER",
        description =
            "A JsonPath filter, e.g. \"[?(@.status == 'pending')]\". Default: the worker's own selection.")
    String filter;

    @Override
    public Integer call() throws IOException {
      TaskFilter f = filter == null ? TaskFilter.defaultFilter() : TaskFilter.parse(filter);
      PrintWriter out = spec.commandLine().getOut();
      for (Task task : options.open(Main.env(spec)).select(f)) {
        out.println(Json.compact(task.json()));
      }
      out.flush();
      return ExitCode.OK;
    }
  }

  @Command(name = "get", description = "Print one task as JSON; exit 1 when there is none.")
  static final class Get implements Callable<Integer> {
    @Mixin BoardOptions options;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException {
      print(spec, options.open(Main.env(spec)).get(id).json());
      return ExitCode.OK;
    }
  }

  @Command(
      name = "patch",
      description =
          "Set fields of one task. Exit 0 applied, 1 no such task, 2 bad input, 3 an --expect did not"
              + " hold (nothing written).")
  static final class PatchTask implements Callable<Integer> {
    @Mixin BoardOptions options;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description =
            "Set a field; KEY may be dotted (result.status); VALUE is JSON when it parses, else a string.")
    java.util.List<String> sets = new ArrayList<>();

    @Option(
        names = "--json",
        paramLabel = "OBJECT",
        description =
            "Fields to deep-merge into the task, e.g. '{\"result\": {\"status\": \"success\"}}'.")
    String json;

    @Option(
        names = "--expect",
        paramLabel = "KEY=VALUE",
        description = "Apply only if the field still has this value on disk (compare-and-set).")
    java.util.List<String> expects = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      Patch patch = Patch.empty();
      for (String set : sets) {
        String[] kv = keyValue(set, "--set");
        patch = patch.set(kv[0], Json.valueOf(kv[1]));
      }
      if (json != null) {
        patch = patch.merge(object(json, "--json"));
      }
      for (String expect : expects) {
        String[] kv = keyValue(expect, "--expect");
        patch = patch.expect(kv[0], Json.valueOf(kv[1]));
      }
      if (patch.sets().isEmpty()) {
        throw new IllegalArgumentException(
            "nothing to change: give --set KEY=VALUE or --json OBJECT");
      }
      Board board = options.open(Main.env(spec));
      Task written;
      if (sets(patch, "status") && !sets(patch, "updated_at")) {
        // The worker takes a status change without a newer updated_at for a stale copy of the
        // board and restores its own; a status set by hand is meant.
        Patch withoutStamp = patch;
        java.time.Instant now = Main.clock(spec).instant();
        written =
            board.update(
                id,
                t ->
                    withoutStamp.set(
                        "updated_at",
                        Json.MAPPER
                            .getNodeFactory()
                            .textNode(Stamp.of(Requeue.newerThan(t.text("updated_at"), now)))));
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "devops-worker: "
                + written.id()
                + ": stamped updated_at "
                + written.text("updated_at")
                + " with the new status, so the worker takes the change as meant");
        err.flush();
      } else {
        written = board.patch(id, patch);
      }
      print(spec, written.json());
      return ExitCode.OK;
    }

    private static boolean sets(Patch patch, String field) {
      return patch.sets().stream().anyMatch(f -> f.path().names().equals(java.util.List.of(field)));
    }
  }

  @Command(
      name = "requeue",
      description =
          "Put one of the worker's done, deployed, failed or blocked tasks back to pending, with a"
              + " newer updated_at (so the worker runs it again) and the request in"
              + " requeue_requests. Exit 0 re-queued, 1 no such task, 2 not re-queueable, 3 the"
              + " task changed meanwhile.")
  static final class RequeueTask implements Callable<Integer> {
    @Mixin BoardOptions options;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        defaultValue = "",
        description = "Why it should run again (one line), kept in requeue_requests.")
    String reason;

    @Override
    public Integer call() throws IOException {
      if (reason.length() > Requeue.MAX_REASON
          || reason.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(
            "--reason takes one line of at most " + Requeue.MAX_REASON + " characters");
      }
      Task written = Requeue.of(options.open(Main.env(spec)), id, "cli", reason, Main.clock(spec));
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "devops-worker: "
              + written.id()
              + " is pending again (updated_at "
              + written.text("updated_at")
              + "); the worker runs it as a new request");
      err.flush();
      print(spec, written.json());
      return ExitCode.OK;
    }
  }

  @Command(
      name = "add",
      description =
          "Append a task in the board's style; prints its id (the next in the board's scheme when the"
              + " object has none). Fills status pending, created_at and updated_at (now, UTC) when"
              + " absent and says so on stderr; warns of an agent, status or type that is almost one"
              + " the worker takes.")
  static final class Add implements Callable<Integer> {
    @Mixin BoardOptions options;
    @Spec CommandSpec spec;

    @Option(names = "--json", paramLabel = "OBJECT", required = true, description = "The task.")
    String json;

    @Override
    public Integer call() throws IOException {
      ObjectNode task = object(json, "--json");
      java.util.List<String> filled = NewTask.complete(task, Main.clock(spec));
      Task added = options.open(Main.env(spec)).add(task);
      PrintWriter err = spec.commandLine().getErr();
      if (!filled.isEmpty()) {
        err.println(
            "devops-worker: "
                + added.id()
                + ": filled what --json lacked: "
                + String.join(", ", filled));
      }
      NewTask.warnings(task).forEach(w -> err.println("devops-worker: warning: " + w));
      err.flush();
      PrintWriter out = spec.commandLine().getOut();
      out.println(added.id());
      out.flush();
      return ExitCode.OK;
    }
  }

  private static void print(CommandSpec spec, JsonNode json) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(Json.compact(json));
    out.flush();
  }

  private static String[] keyValue(String text, String option) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(option + " takes KEY=VALUE, got: " + text);
    }
    return new String[] {text.substring(0, eq), text.substring(eq + 1)};
  }

  private static ObjectNode object(String text, String option) {
    JsonNode node;
    try {
      node = Json.parse(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          option + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(option + " must be a JSON object, got: " + text);
    }
    return (ObjectNode) node;
  }
}
