package dev.taskboard.devops.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.NearMisses;
import dev.taskboard.devops.task.Stamp;
import dev.taskboard.devops.task.TaskStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code board add} fills in a task given without it, so that the worker sees the task and its
 * lead time counts: {@code status} pending, {@code created_at} and {@code updated_at} now.
 */
final class NewTask {
  private NewTask() {}

  /** Fills what is missing in {@code task}; returns what it filled, e.g. {@code status pending}. */
  static List<String> complete(ObjectNode task, Clock clock) {
    List<String> filled = new ArrayList<>();
    if (!task.has("status")) {
      task.put("status", TaskStatus.PENDING.wireName());
      filled.add("status \"pending\"");
    }
    String now = Stamp.now(clock);
    List<String> times = new ArrayList<>();
    for (String field : List.of("created_at", "updated_at")) {
      if (!task.has(field)) {
        task.put(field, now);
        times.add(field);
      }
    }
    if (!times.isEmpty()) {
      filled.add(String.join(" and ", times) + " " + now);
    }
    return filled;
  }

  /** One line per near miss in the task's agent, status or type. */
  static List<String> warnings(ObjectNode task) {
    List<String> out = new ArrayList<>();
    for (String miss : NearMisses.of(task, List.of())) {
      out.add(miss + ": the worker takes only exact values; fix it with board patch");
    }
    return out;
  }
}
