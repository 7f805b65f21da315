package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.gate.Check;
import dev.taskboard.devops.gate.GateReport;
import dev.taskboard.devops.runbook.Phase;
import dev.taskboard.devops.runbook.Section;
import dev.taskboard.devops.runbook.Settings;
import dev.taskboard.devops.runbook.Step;
import dev.taskboard.devops.runbook.TaskEnvironment;
import dev.taskboard.devops.runbook.TaskEnvironmentException;
import dev.taskboard.devops.task.NearMisses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A dry run: what the worker would do with one task, with nothing executed. */
public final class Plan {
  private Plan() {}

  /** The plan for {@code taskId} as text for a person. */
  public static String describe(WorkerConfig config, String taskId) throws IOException {
    Board board = config.openBoard();
    Board.Selection selection =
        board.read(GateStep.withEvidence(config.filter()), Set.of(taskId), GateStep::namedEvidence);
    Task task =
        selection.tasks().stream()
            .filter(t -> t.id().equals(taskId))
            .findFirst()
            .orElseThrow(
                () -> new dev.taskboard.devops.board.TaskNotFoundException(config.board(), taskId));
    StringBuilder out = new StringBuilder();
    out.append(task.id())
        .append(' ')
        .append(task.text("type"))
        .append(" (")
        .append(task.text("status").isEmpty() ? "no status" : task.text("status"))
        .append(", priority ")
        .append(task.text("priority").isEmpty() ? "none" : task.text("priority"))
        .append(")");
    String title = task.json().path("payload").path("title").asText("");
    out.append(title.isEmpty() ? "" : " — " + title).append('\n');
    TaskExecution.Lookup lookup = TaskExecution.lookup(config, task);
    boolean selected = config.filter().matches(task.json());
    out.append("selected by the worker's filter: ")
        .append(selected ? "yes" : "no (it would not be taken)")
        .append('\n');
    if (!selected) {
      FilterConditions.failing(config.filter(), task.json())
          .forEach(f -> out.append("  ").append(f).append('\n'));
    }
    List<String> misses =
        NearMisses.of(
            task.json(),
            lookup
                .runbook()
                .map(r -> r.sections().stream().map(Section::name).toList())
                .orElse(List.of()));
    if (!misses.isEmpty()) {
      out.append("near misses: ")
          .append(String.join("; ", misses))
          .append(" (the worker takes exact values only)\n");
    }
    out.append("dependencies: ").append(dependencies(task, selection.statuses())).append('\n');

    if (lookup.section().isEmpty()) {
      out.append("runbook: ").append(lookup.problem()).append('\n');
      out.append("outcome: the task would be blocked\n");
      return out.toString();
    }
    Section s = lookup.section().get();
    Journal journal = Journal.readOnly(config.journal(), config.clock());
    new GateStep(config, journal, null, new SignedDecisions(config, System.getenv()))
        .evaluate(task, s, lookup.runbook().orElseThrow(), selection)
        .ifPresent(report -> gates(out, report));
    Settings st = s.settings();
    out.append("runbook: ")
        .append(s.file())
        .append(':')
        .append(s.line())
        .append(" section ")
        .append(s.name())
        .append('\n');
    out.append("settings: timeout ")
        .append(Durations.human(st.timeout()))
        .append(" per step, attempts ")
        .append(st.attempts())
        .append(", backoff ")
        .append(Durations.human(st.backoff()))
        .append(" doubling, grace ")
        .append(Durations.human(st.grace()))
        .append(st.url().map(u -> ", url " + u).orElse(""))
        .append(", workdir ")
        .append(st.workdir())
        .append('\n');
    Map<String, String> env;
    try {
      env =
          TaskEnvironment.of(
              task.id(),
              task.text("type"),
              1,
              task.json().path("payload"),
              st,
              Map.of("DEVOPS_STATE_DIR", "", "RUNBOOK_DIR", "", "TASK_LOG", ""));
    } catch (TaskEnvironmentException e) {
      out.append("environment: ").append(e.getMessage()).append('\n');
      out.append("nothing would run; nothing was executed.\n");
      return out.toString();
    }
    Set<String> names = new TreeSet<>(env.keySet());
    names.add(TaskEnvironment.PAYLOAD_FILE);
    out.append("environment: ").append(String.join(", ", names)).append('\n');
    phase(out, s, Phase.PRE, "once, before the first attempt");
    phase(out, s, Phase.DEPLOY, "each attempt");
    phase(out, s, Phase.VERIFY, "each attempt, after deploy");
    phase(out, s, Phase.ROLLBACK, "after the last failed attempt");
    out.append("nothing was executed.\n");
    return out.toString();
  }

  private static void gates(StringBuilder out, GateReport report) {
    out.append("gate ").append(report.gate()).append(":\n");
    for (Check c : report.checks()) {
      out.append(
          String.format("  %-22s %-12s %s%n", c.name(), c.verdict().wireName(), c.evidence()));
    }
  }

  private static void phase(StringBuilder out, Section s, Phase phase, String when) {
    List<Step> steps = s.steps(phase);
    out.append(phase.wireName()).append(" (").append(when).append("):");
    if (steps.isEmpty()) {
      out.append(" none\n");
      return;
    }
    out.append('\n');
    for (Step step : steps) {
      out.append("  ")
          .append(step.name())
          .append(" — ")
          .append(step.interpreter())
          .append(", ")
          .append(step.file().getFileName())
          .append(':')
          .append(step.line())
          .append('\n');
      step.script().lines().forEach(l -> out.append("      ").append(l).append('\n'));
    }
  }

  private static String dependencies(Task task, Map<String, String> statuses) {
    JsonNode deps = task.json().path("depends_on");
    if (!deps.isArray() || deps.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    for (JsonNode dep : deps) {
      parts.add(dep.asText() + " " + statuses.getOrDefault(dep.asText(), "missing"));
    }
    return String.join(", ", parts)
        + (TaskOrder.dependenciesMet(task, statuses) ? " → ready" : " → waits");
  }
}
