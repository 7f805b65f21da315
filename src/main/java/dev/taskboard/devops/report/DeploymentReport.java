package dev.taskboard.devops.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.report.Deployment.Outcome;
import dev.taskboard.devops.report.EnvironmentFigures.State;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The deployment history and DORA figures per environment, from the worker's journal (what
 * happened, when) and the board (each task's type, environment, release and {@code created_at}).
 *
 * @param generatedAt when the report was made: the end of its window
 * @param window the time the figures cover
 * @param environments one entry per environment with a deployment task in the window, by name
 * @param deployments every outcome of a deployment task in the window, oldest first
 * @param warnings journal lines that could not be read, tasks no longer on the board
 */
public record DeploymentReport(
    Instant generatedAt,
    Window window,
    List<EnvironmentFigures> environments,
    List<Deployment> deployments,
    List<String> warnings) {

  private static final Duration DAY = Duration.ofDays(1);
  private static final TaskFilter DEPLOYMENT_TASKS = TaskFilter.parse("@.type =~ /deployment_.*/");

  public DeploymentReport {
    Objects.requireNonNull(generatedAt, "generatedAt == null");
    Objects.requireNonNull(window, "window == null");
    environments = List.copyOf(environments);
    deployments = List.copyOf(deployments);
    warnings = List.copyOf(warnings);
  }

  /**
   * The time the figures cover: from {@code since} (else the first deployment outcome) to when the
   * report was made.
   */
  public record Window(Optional<Instant> since, Instant start, Instant end) {
    public Window {
      Objects.requireNonNull(since, "since == null");
      Objects.requireNonNull(start, "start == null");
      Objects.requireNonNull(end, "end == null");
    }

    /** Its length in days, at least one: a day's deployments are not a rate of 24 a day. */
    public double days() {
      long millis = Duration.between(start, end).toMillis();
      return Math.max(1.0, millis / (double) DAY.toMillis());
    }
  }

  /** Reads the journal and the tasks it names from the board. */
  public static DeploymentReport load(
      Path journal, Board board, Optional<Instant> since, Clock clock) throws IOException {
    JournalOutcomes.Read read = JournalOutcomes.read(journal);
    List<String> warnings = new ArrayList<>(read.warnings());
    Map<String, Task> tasks = tasksOf(board, read.events());
    List<Deployment> history = new ArrayList<>();
    Map<String, Integer> missing = new LinkedHashMap<>();
    for (JournalOutcomes.Event e : read.events()) {
      Task task = tasks.get(e.task());
      if (task == null) {
        missing.merge(e.task(), 1, Integer::sum);
      } else if (TaskType.of(task.text("type")).isDeployment()) {
        history.add(deployment(task, e));
      }
    }
    missing.forEach(
        (id, n) ->
            warnings.add(
                id
                    + ": "
                    + (n == 1 ? "an outcome" : n + " outcomes")
                    + " in the journal, but the task is no longer on the board; left out"));
    return of(history, since, clock.instant(), warnings);
  }

  /**
   * The report of these history rows (any order) as of {@code now}: the figures of those from
   * {@code since} on, each environment's health from all of them.
   */
  static DeploymentReport of(
      List<Deployment> rows, Optional<Instant> since, Instant now, List<String> warnings) {
    List<Deployment> all = rows.stream().sorted(Comparator.comparing(Deployment::at)).toList();
    List<Deployment> history = all.stream().filter(d -> inWindow(d, since)).toList();
    Instant start = since.orElse(history.isEmpty() ? now : history.get(0).at());
    Window window = new Window(since, start, now);
    Map<String, List<Deployment>> byEnvironment =
        history.stream()
            .filter(d -> !TaskType.of(d.type()).isRollback())
            .collect(
                Collectors.groupingBy(Deployment::environment, TreeMap::new, Collectors.toList()));
    List<EnvironmentFigures> environments = new ArrayList<>();
    byEnvironment.forEach(
        (env, ds) -> {
          State state =
              Figures.state(all.stream().filter(d -> d.environment().equals(env)).toList());
          environments.add(Figures.of(env, ds, state, window.days()));
        });
    return new DeploymentReport(now, window, environments, history, warnings);
  }

  private static boolean inWindow(Deployment d, Optional<Instant> since) {
    return since.map(s -> !d.at().isBefore(s)).orElse(true);
  }

  /** Whether there is nothing to report: no deployment task finished in the window. */
  public boolean isEmpty() {
    return deployments.isEmpty();
  }

  /** The counted deployments (those the figures and the chart show), oldest first. */
  public List<Deployment> counted() {
    return deployments.stream().filter(Deployment::counted).toList();
  }

  /**
   * Parses {@code --since}: a date ({@code 2026-11-01}, its UTC midnight) or a time with a zone
   * ({@code 2026-11-01T10:00:00Z}).
   *
   * @throws IllegalArgumentException naming what it accepts
   */
  public static Instant parseSince(String text) {
    String t = text.strip();
    try {
      return t.length() == 10
          ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant()
          : OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--since takes a date such as 2026-11-01 or a time such as 2026-11-01T10:00:00Z, not '"
              + text
              + "'");
    }
  }

  private static Map<String, Task> tasksOf(Board board, List<JournalOutcomes.Event> events)
      throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    events.forEach(e -> ids.add(e.task()));
    Map<String, Task> tasks = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return tasks; // no board needed to say there is nothing yet
    }
    // The journal's ids plus deployment tasks: a task it names that is missing here is gone.
    for (Task t : board.read(DEPLOYMENT_TASKS, ids).tasks()) {
      tasks.put(t.id(), t);
    }
    return tasks;
  }

  private static Deployment deployment(Task task, JournalOutcomes.Event e) {
    String type = task.text("type");
    JsonNode payload = task.json().path("payload");
    return new Deployment(
        task.id(),
        type,
        environmentOf(type, payload),
        payload.path("release").isValueNode() ? payload.path("release").asText() : "",
        e.at(),
        e.status(),
        outcomeOf(e),
        e.rollback(),
        e.attempts(),
        Times.lenient(task.text("created_at")),
        e.message());
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
}
