package dev.taskboard.devops.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.Section;
import dev.taskboard.devops.task.Agents;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.NearMisses;
import dev.taskboard.devops.task.Printable;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import dev.taskboard.devops.validate.BoardReader.Dependency;
import dev.taskboard.devops.validate.BoardReader.Entry;
import dev.taskboard.devops.validate.BoardReader.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The rules a board's tasks must follow for the worker (and the other agents) to use them. */
final class BoardCheck {
  static final String WORKER_AGENT = Agents.DEVOPS_ENGINEER;

  /** Types meant for the worker but written so it never takes them. */
  private static final Pattern LOOKS_HANDLED =
      Pattern.compile(".*(deploy|infra|monitor|rollback).*", Pattern.CASE_INSENSITIVE);

  private static final String TYPES = "deployment_*, infrastructure_* or monitoring_setup";

  private final Path file;
  private final List<Entry> tasks;
  private final Tally tally;
  private final List<Finding> findings = new ArrayList<>();

  private BoardCheck(Path file, List<Entry> tasks) {
    this.file = file;
    this.tasks = tasks;
    this.tally = new Tally(file);
  }

  /** Every finding about {@code tasks}, read from {@code file}. */
  static List<Finding> check(Path file, List<Entry> tasks) {
    BoardCheck c = new BoardCheck(file, tasks);
    for (Entry task : tasks) {
      c.fields(task);
      c.workerType(task);
    }
    Map<String, Integer> firstById = c.uniqueIds();
    c.dependencies(firstById);
    c.findings.addAll(c.tally.findings());
    return c.findings;
  }

  /**
   * The worker's pending tasks whose type has no section in {@code runbook}: the worker would block
   * each of them.
   */
  static List<Finding> sections(Path file, List<Entry> tasks, Runbook runbook) {
    Tally tally = new Tally(file);
    for (Entry task : tasks) {
      Optional<String> type = task.text("type");
      if (!isWorkers(task)
          || !task.text("status").equals(Optional.of(TaskStatus.PENDING.wireName()))
          || type.isEmpty()
          || !TaskType.of(type.get()).handled()
          || runbook.section(type.get()).isPresent()
          || NearMisses.type(type.get(), runbookTypes(runbook)).isPresent()) {
        continue;
      }
      String t = type.get();
      String fix =
          "add a '## "
              + t
              + "' section to "
              + runbook.file().getFileName()
              + " (the worker blocks these tasks until it exists)";
      tally.add(
          task.file().orElse(file),
          "section " + t,
          task.field("type").orElseThrow().at(),
          ref(task) + " has type " + t + ", which has no runbook section; " + fix,
          n ->
              n
                  + " pending tasks have type "
                  + t
                  + ", which has no runbook section (first here); "
                  + fix);
    }
    return tally.findings();
  }

  /**
   * Values almost, but not exactly, what the worker takes ({@link NearMisses}): an agent, a status,
   * or (for the worker's tasks) a type within two edits of one it handles that has no runbook
   * section of its own. {@code runbookTypes} are the runbook's section names.
   */
  static List<Finding> nearMisses(Path file, List<Entry> tasks, Collection<String> runbookTypes) {
    Tally tally = new Tally(file);
    for (Entry task : tasks) {
      Optional<String> agent = task.text("agent");
      Optional<String> meantAgent = agent.flatMap(NearMisses::agent);
      nearMiss(tally, task, "agent", meantAgent);
      nearMiss(tally, task, "status", task.text("status").flatMap(NearMisses::status));
      // A worker's task of a type it does not run at all is workerType's finding.
      boolean handled = task.text("type").map(t -> TaskType.of(t).handled()).orElse(false);
      if ((agent.equals(Optional.of(WORKER_AGENT)) && handled)
          || meantAgent.equals(Optional.of(WORKER_AGENT))) {
        nearMiss(
            tally, task, "type", task.text("type").flatMap(t -> NearMisses.type(t, runbookTypes)));
      }
    }
    return tally.findings();
  }

  private static void nearMiss(Tally tally, Entry task, String field, Optional<String> meant) {
    if (meant.isEmpty()) {
      return;
    }
    String value = task.text(field).orElseThrow();
    String miss = field + " \"" + Printable.of(value) + "\" is not \"" + meant.get() + "\"";
    String fix =
        "write \"" + field + "\": \"" + meant.get() + "\" (the worker takes exact values only)";
    tally.add(
        "near miss " + miss,
        task.field(field).orElseThrow().at(),
        ref(task) + ": " + miss + "; " + fix,
        n -> n + " tasks have " + miss + " (first here); " + fix);
  }

  private void fields(Entry task) {
    Optional<Value> id = task.idField();
    if (id.isEmpty()) {
      tally.add(
          fileOf(task),
          "no id",
          task.at(),
          "a task has no id or task_id; give it one, like \"id\": \"TASK-014\"",
          n ->
              n
                  + " tasks have no id or task_id (first here); give each one, like \"id\": \"TASK-014\"");
    } else if (task.id().isEmpty()) {
      String key = task.field("id").isPresent() ? "id" : "task_id";
      findings.add(
          Finding.at(
              fileOf(task),
              id.get().at(),
              key
                  + " must be a string or a number, found "
                  + kind(id.get().node())
                  + "; write it like \""
                  + key
                  + "\": \"TASK-014\""));
    }
    Optional<Value> status = task.field("status");
    if (status.isEmpty()) {
      tally.add(
          fileOf(task),
          "no status",
          task.at(),
          ref(task) + " has no status field; set it, like \"status\": \"pending\"",
          n ->
              n
                  + " tasks have no status field (first here); set it on each, like \"status\": \"pending\"");
    } else if (!status.get().node().isTextual()) {
      JsonNode node = status.get().node();
      String found =
          node.isNull()
              ? "null"
              : node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + Json.compact(node);
      tally.add(
          fileOf(task),
          "status not text",
          status.get().at(),
          ref(task)
              + ": status must be a string, found "
              + found
              + "; write it like \"status\": \"pending\"",
          n ->
              n
                  + " tasks have a status that is not a string (first here: "
                  + found
                  + "); write each like \"status\": \"pending\"");
    }
    if (task.field("agent").isEmpty()) {
      tally.add(
          fileOf(task),
          "no agent",
          task.at(),
          ref(task)
              + " has no agent field; set it to the role that works on it (\"agent\": \""
              + WORKER_AGENT
              + "\" for this worker)",
          n ->
              n
                  + " tasks have no agent field (first here); set each to the role that works on it"
                  + " (\"agent\": \""
                  + WORKER_AGENT
                  + "\" for this worker)");
    }
  }

  /** A task for the worker that it would never take, because of its type. */
  private void workerType(Entry task) {
    if (!isWorkers(task)) {
      return;
    }
    Optional<Value> type = task.field("type");
    if (type.isEmpty() || !type.get().node().isTextual()) {
      findings.add(
          Finding.at(
              fileOf(task),
              type.map(Value::at).orElse(task.at()),
              ref(task)
                  + " is for "
                  + WORKER_AGENT
                  + " but has no type the worker can read; set \"type\" to "
                  + TYPES));
      return;
    }
    String t = type.get().node().asText();
    if (TaskType.of(t).handled() || !LOOKS_HANDLED.matcher(t).matches()) {
      // Other types are the DevOps-Engineer's human work (a handbook, a review): left alone.
      return;
    }
    String fix =
        suggestion(t)
            .or(() -> NearMisses.type(t, List.of()))
            .map(s -> "write " + s)
            .orElse("name it " + TYPES + " if the worker should run it");
    tally.add(
        fileOf(task),
        "type " + t,
        type.get().at(),
        ref(task) + " has type " + t + ", which devops-worker does not run; " + fix,
        n ->
            n
                + " "
                + WORKER_AGENT
                + " tasks have type "
                + t
                + ", which devops-worker does not run (first here); "
                + fix);
  }

  /** The handled type a near miss was probably meant to be: {@code deploy-staging} → ... */
  static Optional<String> suggestion(String type) {
    String t =
        type.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    t =
        t.replaceFirst("^deploy(ment)?_(to_)?", "deployment_")
            .replaceFirst("^infra(structure)?_", "infrastructure_")
            .replaceFirst(
                "^(setup_monitoring|monitoring|monitor_setup|monitoring_set_up)$",
                "monitoring_setup")
            .replaceFirst("^(rollback|roll_back)(_deployment)?$", "deployment_rollback");
    return TaskType.of(t).handled() && !t.equals(type) ? Optional.of(t) : Optional.empty();
  }

  /** Ids given more than once, reported at every place; returns each id's first task. */
  private Map<String, Integer> uniqueIds() {
    Map<String, List<Position>> places = new LinkedHashMap<>();
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      Entry task = tasks.get(i);
      Optional<String> id = task.id();
      if (id.isPresent()) {
        places
            .computeIfAbsent(id.get(), k -> new ArrayList<>())
            .add(task.idField().orElseThrow().at());
        first.putIfAbsent(id.get(), i);
      }
    }
    places.forEach(
        (id, at) -> {
          if (at.size() > 1) {
            for (Position here : at) {
              String others =
                  at.stream()
                      .filter(p -> p != here)
                      .map(Position::toString)
                      .collect(Collectors.joining(", "));
              findings.add(
                  Finding.at(
                      file,
                      here,
                      "duplicate task id "
                          + id
                          + " (also at "
                          + others
                          + "); give one of them another id"));
            }
          }
        });
    return first;
  }

  private void dependencies(Map<String, Integer> firstById) {
    List<List<Integer>> edges = new ArrayList<>();
    for (Entry task : tasks) {
      List<Integer> out = new ArrayList<>();
      for (Dependency d : task.dependsOn()) {
        Integer target = firstById.get(d.id());
        if (target == null) {
          findings.add(
              Finding.at(
                  fileOf(task),
                  d.at(),
                  ref(task)
                      + " depends on "
                      + d.id()
                      + ", which is not on the board; fix the id or remove it (the task would wait"
                      + " forever)"));
        } else {
          out.add(target);
        }
      }
      edges.add(out);
    }
    for (List<Integer> cycle : DependencyCycles.of(edges)) {
      findings.add(cycleFinding(cycle));
    }
  }

  private Finding cycleFinding(List<Integer> cycle) {
    Entry first = tasks.get(cycle.get(0));
    String second = tasks.get(cycle.get(1)).id().orElseThrow();
    Position at =
        first.dependsOn().stream()
            .filter(d -> d.id().equals(second))
            .findFirst()
            .map(Dependency::at)
            .orElse(first.at());
    String names =
        cycle.stream().map(n -> tasks.get(n).id().orElseThrow()).collect(Collectors.joining(" → "));
    return Finding.at(
        fileOf(first),
        at,
        "dependency cycle "
            + names
            + "; remove one of these depends_on entries (none of these tasks can ever start)");
  }

  /** The file the task was read from: its own file on a per-task board, else the board's. */
  private Path fileOf(Entry task) {
    return task.file().orElse(file);
  }

  static List<String> runbookTypes(Runbook runbook) {
    return runbook.sections().stream().map(Section::name).toList();
  }

  private static boolean isWorkers(Entry task) {
    return task.text("agent").equals(Optional.of(WORKER_AGENT));
  }

  private static String ref(Entry task) {
    return task.id().map(id -> "task " + id).orElse("a task");
  }

  private static String kind(JsonNode node) {
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isNull()) {
      return "null";
    }
    return node.isArray() ? "an array" : node.isObject() ? "an object" : "a string";
  }
}
