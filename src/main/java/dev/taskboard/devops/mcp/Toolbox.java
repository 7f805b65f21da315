package dev.taskboard.devops.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.board.TaskNotFoundException;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.Section;
import dev.taskboard.devops.task.Agents;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import dev.taskboard.devops.worker.HumanQuestion;
import dev.taskboard.devops.worker.Plan;
import dev.taskboard.devops.worker.Requeue;
import dev.taskboard.devops.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the tools do, one method each, over the files the other commands use: the board (through
 * {@link Board}: its lock, its surgical writes), the runbook and human-requests.md. Never the
 * worker's state directory, except through {@link Plan}, the CLI's own dry run. Not thread-safe:
 * {@link Tools} runs one call at a time.
 */
final class Toolbox {
  /** Every task the worker runs, whatever its status. */
  static final TaskFilter WORKER_TASKS =
      TaskFilter.parse(
          "[?(@.agent == '" + Agents.DEVOPS_ENGINEER + "' && " + TaskType.HANDLED_CONDITION + ")]");

  static final String VIA = "mcp";
  static final int MAX_LISTED = 500;
  static final int MAX_SHOWN_CHARS = 2_000;
  static final int MAX_LOG_LINES = 50;
  static final int MAX_GATES = 100;
  static final int MAX_LOG_LINE_CHARS = 500;

  private final WorkerConfig config;
  private final Board board;

  Toolbox(WorkerConfig config) {
    this.config = config;
    this.board = config.openBoard();
  }

  /** What request_deployment asks for, its arguments checked. */
  private record Request(
      String type,
      String title,
      Optional<String> release,
      Optional<String> description,
      List<String> dependsOn,
      Optional<ObjectNode> evidence,
      List<String> evidenceTasks) {

    static Request of(Args args) {
      String type = args.type("type");
      TaskType taskType = TaskType.of(type);
      if (!taskType.handled()) {
        throw new ToolError(
            "type: devops-worker does not run "
                + type
                + " tasks; request deployment_staging, deployment_production, deployment_rollback,"
                + " infrastructure_<something> or monitoring_setup");
      }
      String title =
          args.line(
              "title",
              Args.MAX_TITLE,
              "a short title, like \"Deploy 1.4.0\"",
              "shorten it (details go in description)");
      Optional<String> release = args.release("release");
      if (release.isEmpty() && taskType.deploysRelease()) {
        throw new ToolError(
            "release: missing; a " + type + " deploys a release, give its name, like \"1.4.0\"");
      }
      Optional<String> description =
          args.text(
              "description",
              Args.MAX_DESCRIPTION,
              "shorten it (put long material in a file in the repository and name it)");
      return new Request(
          type,
          title,
          release,
          description,
          args.ids("depends_on"),
          args.evidence("evidence"),
          args.ids("evidence_tasks"));
    }

    /**
     * The board entry: a pending task for the worker, payload as the evidence convention has it.
     */
    ObjectNode task(Instant now) {
      ObjectNode payload = Json.MAPPER.createObjectNode();
      payload.put("title", title);
      description.ifPresent(d -> payload.put("description", d));
      release.ifPresent(r -> payload.put("release", r));
      evidence.ifPresent(e -> payload.set("gates", e));
      if (!evidenceTasks.isEmpty()) {
        payload.set("evidence_tasks", strings(evidenceTasks));
      }
      payload.put("requested_via", VIA);
      ObjectNode task = Json.MAPPER.createObjectNode();
      task.put("type", type);
      task.put("status", TaskStatus.PENDING.wireName());
      task.put("agent", Agents.DEVOPS_ENGINEER);
      task.put("created_at", now.toString());
      task.put("updated_at", now.toString());
      if (!dependsOn.isEmpty()) {
        task.set("depends_on", strings(dependsOn));
      }
      task.set("payload", payload);
      return task;
    }
  }

  /** Adds a pending task for the worker; returns its id. */
  String requestDeployment(Args args) throws IOException {
    Request request = Request.of(args);
    requireSection(request.type());
    requireOnBoard("depends_on", request.dependsOn());
    requireOnBoard("evidence_tasks", request.evidenceTasks());
    Task added = board.add(request.task(config.clock().instant()));
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", added.id());
    out.put("status", TaskStatus.PENDING.wireName());
    out.put(
        "message",
        "requested: the worker takes it when its dependencies are done; follow it with"
            + " task_status");
    return Json.compact(out);
  }

  /** A task's state as the board and human-requests.md show it. */
  String taskStatus(Args args) throws IOException {
    String id = args.id("id");
    Task task = task(id);
    JsonNode json = task.json();
    JsonNode result = json.path("result");
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", task.id());
    out.put("type", task.text("type"));
    out.put("status", task.text("status"));
    out.put("agent", task.text("agent"));
    out.put("runs_on_worker", isWorkers(task));
    putShown(out, "title", json.path("payload").path("title"));
    putShown(out, "release", json.path("payload").path("release"));
    putShown(out, "updated_at", json.path("updated_at"));
    putShown(out, "result_status", result.path("status"));
    putShown(out, "message", result.path("message"));
    out.set("gates", gates(result.path("gates")));
    out.set("open_question", openQuestion(task.id()));
    out.set("log_tail", logTail(result.path("log_tail")));
    putShown(out, "log", result.path("log"));
    return Json.compact(out);
  }

  /** The worker's tasks, compact, grouped by status or only those of one status. */
  String listTasks(Args args) throws IOException {
    Optional<String> status = args.status("status");
    List<Task> tasks =
        board.select(WORKER_TASKS).stream()
            .filter(Toolbox::isWorkers)
            .filter(t -> status.isEmpty() || status.get().equals(t.text("status")))
            .toList();
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("count", tasks.size());
    List<Task> shown = tasks.subList(0, Math.min(tasks.size(), MAX_LISTED));
    if (status.isPresent()) {
      ArrayNode rows = out.putArray("tasks");
      shown.forEach(t -> rows.add(row(t)));
    } else {
      ObjectNode byStatus = out.putObject("by_status");
      Map<String, List<Task>> groups =
          shown.stream()
              .collect(
                  Collectors.groupingBy(
                      t -> t.text("status").isEmpty() ? "(none)" : t.text("status"),
                      LinkedHashMap::new,
                      Collectors.toList()));
      groups.forEach((s, group) -> group.forEach(t -> byStatus.withArray(s).add(row(t))));
    }
    if (shown.size() < tasks.size()) {
      out.put("truncated", tasks.size() - shown.size());
    }
    return Json.compact(out);
  }

  /** The CLI's dry run for a task, as text. */
  String planTask(Args args) throws IOException {
    String id = args.id("id");
    try {
      return Plan.describe(config, id);
    } catch (TaskNotFoundException e) {
      throw notOnBoard("id", id);
    }
  }

  /**
   * Sets a finished, failed or blocked task of the worker back to pending with a newer updated_at —
   * the worker's sign of a deliberate re-queue — and records why in {@code requeue_requests}.
   */
  String requeueTask(Args args) throws IOException {
    String id = args.id("id");
    String reason =
        args.line("reason", Args.MAX_REASON, "why it should run again", "say it in one line");
    Task written;
    try {
      written = Requeue.of(board, id, VIA, reason, config.clock());
    } catch (TaskNotFoundException e) {
      throw notOnBoard("id", id);
    } catch (Requeue.RefusedException e) {
      throw new ToolError("id: " + e.getMessage());
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", written.id());
    out.put("status", written.text("status"));
    out.put("updated_at", written.text("updated_at"));
    out.put("message", "re-queued: the worker runs it again; follow it with task_status");
    return Json.compact(out);
  }

  /** Worker's: the DevOps-Engineer's, of a type it runs. */
  static boolean isWorkers(Task task) {
    return task.text("agent").equals(Agents.DEVOPS_ENGINEER)
        && TaskType.of(task.text("type")).handled();
  }

  private void requireSection(String type) throws IOException {
    if (!Files.exists(config.runbook())) {
      throw new ToolError(
          "type: the runbook "
              + config.runbook()
              + " does not exist, so no type can run; ask a human to write it (devops-worker init"
              + " creates a template)");
    }
    Runbook runbook = Runbook.load(config.runbook(), config.runbookFiles());
    if (runbook.section(type).isEmpty()) {
      String have =
          runbook.sections().stream()
              .map(Section::name)
              .filter(n -> TaskType.of(n).handled())
              .collect(Collectors.joining(", "));
      throw new ToolError(
          "type: the runbook "
              + runbook.file()
              + " has no section for "
              + type
              + "; ask a human to add a \"## "
              + type
              + "\" section, or request a type it has: "
              + (have.isEmpty() ? "none" : have));
    }
  }

  private void requireOnBoard(String name, List<String> ids) throws IOException {
    if (ids.isEmpty()) {
      return;
    }
    Board.Selection found = board.read(config.filter(), Set.copyOf(ids));
    for (int i = 0; i < ids.size(); i++) {
      if (found.task(ids.get(i)).isEmpty()) {
        throw new ToolError(
            name
                + "["
                + i
                + "]: no task "
                + Args.quoted(ids.get(i))
                + " on the board; name tasks that exist (list_tasks shows the worker's)");
      }
    }
  }

  private Task task(String id) throws IOException {
    try {
      return board.get(id);
    } catch (TaskNotFoundException e) {
      throw notOnBoard("id", id);
    }
  }

  private ToolError notOnBoard(String name, String id) {
    return new ToolError(
        name
            + ": no task "
            + Args.quoted(id)
            + " on the board "
            + config.board()
            + "; check the id (list_tasks shows the worker's tasks)");
  }

  private ObjectNode row(Task task) {
    JsonNode json = task.json();
    ObjectNode row = Json.MAPPER.createObjectNode();
    row.put("id", task.id());
    row.put("type", task.text("type"));
    row.put("status", task.text("status"));
    putShown(row, "title", json.path("payload").path("title"));
    putShown(row, "release", json.path("payload").path("release"));
    putShown(row, "message", json.path("result").path("message"));
    return row;
  }

  /** {@code result.gates} as a list: check, verdict, evidence. */
  private static ArrayNode gates(JsonNode gates) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    if (!gates.isObject()) {
      return out;
    }
    gates
        .fields()
        .forEachRemaining(
            gate -> {
              if (out.size() >= MAX_GATES) {
                return; // another agent's board; the worker writes a dozen at most
              }
              ObjectNode row = out.addObject();
              row.put("check", shown(gate.getKey()));
              putShown(row, "verdict", gate.getValue().path("verdict"));
              putShown(row, "evidence", gate.getValue().path("evidence"));
            });
    return out;
  }

  private JsonNode openQuestion(String taskId) {
    HumanRequests humans = new HumanRequests(config.humanRequests(), config.clock());
    try {
      Optional<HumanQuestion> open = HumanQuestion.openFor(taskId, humans.entries());
      if (open.isEmpty()) {
        return Json.MAPPER.nullNode();
      }
      HumanQuestion q = open.get();
      ObjectNode out = Json.MAPPER.createObjectNode();
      out.put("id", q.id());
      out.put("title", shown(q.title()));
      out.put("question", shown(q.question()));
      out.put("answers", q.answers());
      out.put("where", humans.file().toString());
      return out;
    } catch (IOException unreadable) {
      ObjectNode out = Json.MAPPER.createObjectNode();
      out.put("error", shown(unreadable.getMessage()));
      return out;
    }
  }

  /** The last lines of {@code result.log_tail} (text or an array of lines), bounded. */
  private static ArrayNode logTail(JsonNode tail) {
    List<String> lines = new ArrayList<>();
    if (tail.isTextual()) {
      lines.addAll(tail.asText().lines().toList());
    } else if (tail.isArray()) {
      tail.forEach(line -> lines.add(line.isTextual() ? line.asText() : Json.compact(line)));
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    lines
        .subList(Math.max(0, lines.size() - MAX_LOG_LINES), lines.size())
        .forEach(line -> out.add(shown(line, MAX_LOG_LINE_CHARS)));
    return out;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    values.forEach(array::add);
    return array;
  }

  /** Puts a text value of the board, bounded and printable; nothing when it is absent. */
  private static void putShown(ObjectNode out, String name, JsonNode value) {
    if (value.isValueNode() && !value.isNull()) {
      out.put(name, shown(value.asText()));
    }
  }

  private static String shown(String text) {
    return shown(text, MAX_SHOWN_CHARS);
  }

  /** Board text another agent wrote, as this server passes it on: no controls, bounded. */
  private static String shown(String text, int max) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(max)
        .forEach(c -> out.appendCodePoint(Character.getType(c) == Character.CONTROL ? ' ' : c));
    return text.codePointCount(0, text.length()) > max
        ? out.append('…').toString()
        : out.toString();
  }
}
