package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A filter's verdicts during one scan. With a projection the verdict depends only on the projected
 * values, which repeat across a board (a few agents × statuses × types): Jayway runs once per
 * distinct view instead of once per task, a fifth of a large scan's time.
 */
final class Verdicts {
  private static final int MAX_REMEMBERED_VIEWS = 4096;

  private final TaskFilter filter;
  private final Map<ObjectNode, Boolean> known = new HashMap<>();

  Verdicts(TaskFilter filter) {
    this.filter = filter;
  }

  /** Whether the task whose read fields are {@code fields} matches. */
  boolean matches(ObjectNode fields) {
    Optional<Set<String>> names = filter.fields();
    if (names.isEmpty()) {
      return filter.matches(fields);
    }
    ObjectNode view = Json.MAPPER.createObjectNode();
    for (String name : names.get()) {
      JsonNode value = fields.get(name);
      if (value != null) {
        view.set(name, value);
      }
    }
    Boolean verdict = known.get(view);
    if (verdict == null) {
      verdict = filter.matches(view);
      if (known.size() < MAX_REMEMBERED_VIEWS) {
        known.put(view, verdict);
      }
    }
    return verdict;
  }
}
