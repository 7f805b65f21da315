package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.Printable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** The worker's tasks as the journal and the board show them, and whether a worker is running. */
public final class StatusReport {
  private StatusReport() {}

  /** One JSON object: {@code worker} (running, holder) and {@code tasks} (one per task). */
  public static ObjectNode of(WorkerConfig config) throws IOException {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("worker", worker(config.lockFile()));
    Journal journal = Journal.readOnly(config.journal(), config.clock());
    Board board = config.openBoard();
    Set<String> ids = new LinkedHashSet<>();
    journal.tasks().forEach(r -> ids.add(r.id()));
    Board.Selection selection = board.read(config.filter(), ids);
    ArrayNode rows = out.putArray("tasks");
    for (Task task : selection.tasks()) {
      ObjectNode row = rows.addObject();
      row.put("id", task.id());
      row.put("type", task.text("type"));
      row.put("status", task.text("status"));
      JsonNode result = task.json().path("result");
      journal
          .task(task.id())
          .ifPresentOrElse(r -> row.put("attempts", r.attempts()), () -> row.put("attempts", 0));
      row.put("message", result.path("message").asText(""));
      row.put("log", result.path("log").asText(""));
      row.put("waiting", !ids.contains(task.id()));
    }
    return out;
  }

  /** The same as text, a line per task. */
  public static String text(ObjectNode status) {
    StringBuilder out = new StringBuilder();
    JsonNode w = status.path("worker");
    out.append(
            w.path("running").asBoolean()
                ? "worker: running (" + w.path("holder").asText() + ")"
                : "worker: not running")
        .append('\n');
    if (status.path("tasks").isEmpty()) {
      out.append("no DevOps tasks on the board\n");
    }
    for (JsonNode t : status.path("tasks")) {
      out.append(
          String.format(
              "%-12s %-24s %-12s attempts %d",
              Printable.of(t.path("id").asText()),
              Printable.of(t.path("type").asText()),
              Printable.of(t.path("status").asText()),
              t.path("attempts").asInt()));
      if (!t.path("message").asText().isEmpty()) {
        out.append("  ").append(Printable.of(t.path("message").asText()));
      }
      if (!t.path("log").asText().isEmpty()) {
        out.append("  log: ").append(Printable.of(t.path("log").asText()));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static ObjectNode worker(Path lockFile) throws IOException {
    ObjectNode w = Json.MAPPER.createObjectNode();
    Optional<String> holder = InstanceLock.holder(lockFile);
    w.put("running", holder.isPresent());
    w.put("holder", holder.orElse(""));
    return w;
  }
}
