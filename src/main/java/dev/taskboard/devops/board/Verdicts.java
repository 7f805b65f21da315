package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A filter's verdicts during one read. A projection's values repeat across a board (a few agents ×
 * statuses × types), so Jayway runs once per distinct projection, not once per task.
 */
final class Verdicts {
  private static final int MAX_REMEMBERED = 4096;

  private final TaskFilter filter;
  private final String[] names; // null: the filter needs the whole task
  private final Map<List<JsonNode>, Boolean> seen = new HashMap<>();

  Verdicts(TaskFilter filter) {
    this.filter = filter;
    this.names = filter.fields().map(f -> f.toArray(String[]::new)).orElse(null);
  }

  /** Whether the filter must see whole tasks ({@link #matches(ObjectNode)}). */
  boolean wholeTask() {
    return names == null;
  }

  /** An empty projection: one value per field the filter names, null where the task has none. */
  JsonNode[] newProjection() {
    return new JsonNode[names.length];
  }

  /** Where {@code name}'s value goes in a projection, or -1 when the filter does not name it. */
  int fieldIndex(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the task whose projection is {@code values} matches. */
  boolean matches(JsonNode[] values) {
    List<JsonNode> key = Arrays.asList(values);
    Boolean known = seen.get(key);
    if (known != null) {
      return known;
    }
    ObjectNode view = Json.MAPPER.createObjectNode();
    for (int f = 0; f < names.length; f++) {
      if (values[f] != null) {
        view.set(names[f], values[f]);
      }
    }
    boolean verdict = filter.matches(view);
    if (seen.size() < MAX_REMEMBERED) {
      seen.put(key, verdict);
    }
    return verdict;
  }

  /** Whether the whole task {@code task} matches. */
  boolean matches(ObjectNode task) {
    return filter.matches(task);
  }
}
