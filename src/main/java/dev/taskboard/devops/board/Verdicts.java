package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A filter's verdicts during one read. A projection's values repeat across a board (a few agents ×
 * statuses × types), so Jayway runs once per distinct projection, not once per task.
 */
final class Verdicts {
  private static final int MAX_REMEMBERED = 4096;

  private final TaskFilter filter;
  private final Set<String> fields; // null: the filter needs the whole task
  private final Map<JsonNode, Boolean> seen = new HashMap<>();

  Verdicts(TaskFilter filter) {
    this.filter = filter;
    this.fields = filter.fields().orElse(null);
  }

  /** Whether the filter must see whole tasks. */
  boolean wholeTask() {
    return fields == null;
  }

  /** Whether the filter names the top-level field {@code name}. */
  boolean reads(String name) {
    return fields.contains(name);
  }

  /** Whether the task matches: given whole, or as its projection on the fields the filter names. */
  boolean matches(ObjectNode task) {
    if (fields == null) {
      return filter.matches(task);
    }
    Boolean known = seen.get(task);
    if (known != null) {
      return known;
    }
    boolean verdict = filter.matches(task);
    if (seen.size() < MAX_REMEMBERED) {
      seen.put(task, verdict);
    }
    return verdict;
  }
}
