package dev.taskboard.devops.report;

import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.report.EnvironmentFigures.State;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * @param warnings every outcome left out or read in part: journal lines it could not use, tasks no
 *     longer on the board, a {@code created_at} that leaves a lead time unknown, …
 */
public record DeploymentReport(
    Instant generatedAt,
    Window window,
    List<EnvironmentFigures> environments,
    List<Deployment> deployments,
    List<String> warnings) {

  private static final Duration DAY = Duration.ofDays(1);

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

  /**
   * Reads the journal and the tasks it names from the board. Every outcome it leaves out or reads
   * only in part becomes a warning.
   */
  public static DeploymentReport load(
      Path journal, Board board, Optional<Instant> since, Clock clock) throws IOException {
    History.Read read = History.read(journal, board, since);
    return of(read.rows(), since, clock.instant(), read.warnings());
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
}
