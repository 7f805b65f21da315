package dev.taskboard.devops.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.report.Deployment.Outcome;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The history rows of the journal's outcomes, each joined with its task on the board, and a warning
 * for every outcome left out or read only in part: journal lines it cannot use, tasks gone from the
 * board or unreadable there, a board entry without a type, an environment or release that is not a
 * name, a lead time the board's {@code created_at} leaves unknown.
 */
final class History {
  private static final TaskFilter DEPLOYMENT_TASKS = TaskFilter.parse("@.type =~ /deployment_.*/");

  /** The rows, in journal order, and the warnings, each once, in the order found. */
  record Read(List<Deployment> rows, List<String> warnings) {
    Read {
      rows = List.copyOf(rows);
      warnings = List.copyOf(warnings);
    }
  }

  private final Path boardFile;
  private final Optional<Instant> since;
  private final Set<String> warnings = new LinkedHashSet<>();
  private final Set<String> withoutLeadTime = new LinkedHashSet<>();

  private History(Path boardFile, Optional<Instant> since) {
    this.boardFile = boardFile;
    this.since = since;
  }

  /**
   * Reads the journal and the tasks it names from the board; lead-time warnings only for outcomes
   * from {@code since} on, the figures' window.
   */
  static Read read(Path journal, Board board, Optional<Instant> since) throws IOException {
    return new History(board.file(), since).read(journal, board);
  }

  private Read read(Path journal, Board board) throws IOException {
    JournalOutcomes.Read read = JournalOutcomes.read(journal);
    warnings.addAll(read.warnings());
    Optional<Board.Selection> selection = selection(board, read.events());
    Map<String, Task> tasks = new LinkedHashMap<>();
    selection.ifPresent(b -> b.tasks().forEach(t -> tasks.put(t.id(), t)));
    List<Deployment> rows = new ArrayList<>();
    Map<String, Integer> missing = new LinkedHashMap<>();
    for (JournalOutcomes.Event e : read.events()) {
      Task task = tasks.get(e.task());
      if (task == null) {
        missing.merge(e.task(), 1, Integer::sum);
      } else if (TaskType.of(task.text("type")).isDeployment()) {
        rows.add(deployment(task, e));
      } else if (task.text("type").isBlank()) {
        warn(task, "an outcome in the journal, but no type on the board; left out");
      }
    }
    Map<String, String> refused = new LinkedHashMap<>();
    selection.ifPresent(
        b -> b.refused().forEach(r -> refused.put(r.id(), TextReport.clean(r.getMessage(), 300))));
    missing.forEach((id, n) -> warnings.add(missing(id, n, refused.get(id))));
    return new Read(rows, List.copyOf(warnings));
  }

  /** The tasks the journal names; none, without reading the board, when it names none. */
  private static Optional<Board.Selection> selection(
      Board board, List<JournalOutcomes.Event> events) throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    events.forEach(e -> ids.add(e.task()));
    if (ids.isEmpty()) {
      return Optional.empty(); // no board needed to say there is nothing yet
    }
    // The journal's ids plus deployment tasks: a task it names that is missing here is gone.
    return Optional.of(board.read(DEPLOYMENT_TASKS, ids));
  }

  private Deployment deployment(Task task, JournalOutcomes.Event e) {
    String type = task.text("type");
    JsonNode payload = task.json().path("payload");
    String environment = environmentOf(type, payload);
    checkEnvironment(task, type, payload.path("environment"), environment);
    JsonNode release = payload.path("release");
    boolean hasRelease = release.isValueNode() && !release.isNull();
    if (!hasRelease && !release.isMissingNode() && !release.isNull()) {
      warn(task, "payload.release is not a string; shown without a release");
    }
    Deployment d =
        new Deployment(
            task.id(),
            type,
            environment,
            hasRelease ? release.asText() : "",
            e.at(),
            e.status(),
            outcomeOf(e),
            e.rollback(),
            e.attempts(),
            Times.lenient(task.text("created_at")),
            e.message(),
            e.approvedBy());
    if (since.map(s -> !d.at().isBefore(s)).orElse(true)) {
      checkLeadTime(task, d);
    }
    return d;
  }

  /** {@code payload.environment}, else the type's suffix: staging, production, … */
  static String environmentOf(String type, JsonNode payload) {
    JsonNode given = payload.path("environment");
    if (given.isTextual() && !given.asText().isBlank()) {
      return given.asText().strip();
    }
    String environment = TaskType.of(type).environment();
    return environment.isBlank() ? "unknown" : environment;
  }

  /**
   * deployed/done → success; failed after a deploy step ran → rolled back when its rollback ran,
   * else failed; anything else (blocked, or failed before deploying) → not deployed.
   */
  static Outcome outcomeOf(JournalOutcomes.Event e) {
    if (TaskStatus.finished(e.status())) {
      return Outcome.SUCCESS;
    }
    if (!e.status().equals(TaskStatus.FAILED.wireName())) {
      return Outcome.NOT_DEPLOYED;
    }
    return e.rollback() != Deployment.Rollback.NONE
        ? Outcome.ROLLED_BACK
        : e.deployStepRan() ? Outcome.FAILED : Outcome.NOT_DEPLOYED;
  }

  private void checkEnvironment(Task task, String type, JsonNode given, String environment) {
    boolean absent = given.isMissingNode() || given.isNull();
    if (!absent && !(given.isTextual() && !given.asText().isBlank())) {
      warn(
          task,
          "payload.environment "
              + TextReport.clean(given.toString(), 40)
              + " is not a name, so it counts under "
              + environment
              + "; write the environment's name there");
    } else if (absent && environment.equals("unknown")) {
      warn(
          task,
          "a "
              + TextReport.clean(type, 40)
              + " task without payload.environment: its environment is unknown and its outcome"
              + " changes no environment's health; name the environment there");
    }
  }

  /** Why a successful deployment has no lead time, if it has none: once per task. */
  private void checkLeadTime(Task task, Deployment d) {
    if (!d.counted()
        || d.outcome() != Outcome.SUCCESS
        || d.leadTime().isPresent()
        || !withoutLeadTime.add(task.id())) {
      return;
    }
    JsonNode given = task.json().path("created_at");
    String problem;
    if (given.isMissingNode() || given.isNull()) {
      problem = "no created_at";
    } else if (d.createdAt().isEmpty()) {
      problem = "created_at " + TextReport.clean(given.toString(), 60) + " is not a time";
    } else {
      problem = "created_at " + d.createdAt().get() + " is after its deployment at " + d.at();
    }
    warn(task, problem + ", so its lead time is unknown; write it like 2026-11-01T10:00:00Z");
  }

  /** Warnings reach a terminal: the agent-written id is cleaned of escape sequences there. */
  private void warn(Task task, String what) {
    warnings.add(
        boardFile + ":" + task.line() + ":" + task.column() + ": " + id(task.id()) + ": " + what);
  }

  private static String id(String id) {
    return TextReport.clean(id, 80);
  }

  private static String missing(String id, int outcomes, String refused) {
    String what = outcomes == 1 ? "an outcome" : outcomes + " outcomes";
    return refused == null
        ? id(id) + ": " + what + " in the journal, but the task is no longer on the board; left out"
        : id(id)
            + ": "
            + what
            + " in the journal, but its board entry is refused ("
            + refused
            + "); left out";
  }
}
