package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import java.util.Comparator;
import java.util.Map;

/**
 * Which pending task runs first: rollbacks, then priority, then priority_score (higher first), then
 * board order; tasks whose dependencies are not all done or deployed wait.
 */
final class TaskOrder {
  static final Comparator<Task> ORDER =
      Comparator.comparing((Task t) -> !TaskType.of(t.text("type")).isRollback())
          .thenComparingInt(t -> priorityRank(t.text("priority")))
          .thenComparing(t -> -t.json().path("priority_score").asDouble(0))
          .thenComparingInt(Task::index);

  private TaskOrder() {}

  static int priorityRank(String priority) {
    return switch (priority.toLowerCase(java.util.Locale.ROOT)) {
      case "critical", "urgent" -> 0;
      case "high" -> 1;
      case "low" -> 3;
      default -> 2; // medium, or none given
    };
  }

  /** Whether every id in {@code depends_on} is done or deployed on the board. */
  static boolean dependenciesMet(Task task, Map<String, String> statuses) {
    JsonNode deps = task.json().path("depends_on");
    if (!deps.isArray()) {
      return true;
    }
    for (JsonNode dep : deps) {
      if (!TaskStatus.finished(statuses.getOrDefault(dep.asText(), ""))) {
        return false;
      }
    }
    return true;
  }
}
