package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.task.Agents;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.Printable;
import dev.taskboard.devops.task.Stamp;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A deliberate re-queue of one of the worker's tasks, as {@code board requeue} and the MCP tool
 * {@code requeue_task} do it: status {@code pending} and an {@code updated_at} newer than the one
 * on the board (the sign by which the worker tells a re-queue from a stale copy of the board), a
 * request appended to {@code requeue_requests} ({@code by}, {@code reason}, {@code at}), all
 * compare-and-set on the status read. Only a done, deployed, failed or blocked task of the worker
 * can be re-queued.
 */
public final class Requeue {
  /** Longest reason kept, in characters. */
  public static final int MAX_REASON = 500;

  private Requeue() {}

  /** A re-queue the task's state does not allow; the board is untouched. */
  public static final class RefusedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * Re-queues task {@code id} on {@code board}; {@code by} says who asked (cli, mcp), {@code
   * reason} why (may be empty). Returns the task as written.
   */
  public static Task of(Board board, String id, String by, String reason, Clock clock)
      throws IOException {
    Instant now = clock.instant();
    return board.update(id, task -> patch(task, by, reason, now));
  }

  /** The patch that re-queues {@code task}, or {@link RefusedException}. */
  public static Patch patch(Task task, String by, String reason, Instant now) {
    String status = task.text("status");
    if (!task.text("agent").equals(Agents.DEVOPS_ENGINEER)
        || !TaskType.of(task.text("type")).handled()) {
      throw new RefusedException(
          "task "
              + Printable.of(task.id())
              + " is not the worker's (agent "
              + quoted(task.text("agent"))
              + ", type "
              + quoted(task.text("type"))
              + "); re-queue only DevOps-Engineer tasks of the types the worker runs");
    }
    Optional<TaskStatus> known = TaskStatus.of(status);
    boolean ended =
        known
            .map(s -> s.finished() || s == TaskStatus.FAILED || s == TaskStatus.BLOCKED)
            .orElse(false);
    if (!ended) {
      boolean queued =
          known.filter(s -> s == TaskStatus.PENDING || s == TaskStatus.IN_PROGRESS).isPresent();
      throw new RefusedException(
          "task "
              + Printable.of(task.id())
              + " is "
              + quoted(status)
              + (queued
                  ? "; it is already queued or running"
                  : "; only done, deployed, failed or blocked tasks can be re-queued"));
    }
    JsonNode earlier = task.json().path("requeue_requests");
    if (!earlier.isMissingNode() && !earlier.isArray()) {
      throw new RefusedException(
          "task "
              + Printable.of(task.id())
              + " has a requeue_requests field that is not an array; fix the board (devops-worker"
              + " validate) and try again");
    }
    String updated = Stamp.of(newerThan(task.text("updated_at"), now));
    ArrayNode requests =
        earlier.isArray() ? ((ArrayNode) earlier).deepCopy() : Json.MAPPER.createArrayNode();
    ObjectNode request = requests.addObject();
    request.put("by", by);
    if (reason != null && !reason.isEmpty()) {
      request.put("reason", reason);
    }
    request.put("at", updated);
    request.put("from_status", status);
    return Patch.empty()
        .set("status", TextNode.valueOf(TaskStatus.PENDING.wireName()))
        .set("updated_at", TextNode.valueOf(updated))
        .set("requeue_requests", requests)
        .expect("status", TextNode.valueOf(status));
  }

  /** {@code now}, or just after {@code current} when the board's clock is ahead of ours. */
  public static Instant newerThan(String current, Instant now) {
    try {
      Instant previous = Instant.parse(current);
      return previous.isBefore(now) ? now : previous.plusMillis(1);
    } catch (DateTimeParseException notIso) {
      return now;
    }
  }

  private static String quoted(String text) {
    return "\"" + Printable.of(text) + "\"";
  }
}
