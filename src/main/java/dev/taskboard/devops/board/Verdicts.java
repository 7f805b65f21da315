package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A filter's verdicts during one scan. With a projection the verdict depends only on the projected
 * values, which repeat across a board (a few agents × statuses × types): Jayway runs once per
 * distinct projection instead of once per task, and a task whose projection was seen before costs
 * one hash lookup, with no tree built for it.
 */
final class Verdicts {
  private static final int MAX_REMEMBERED = 4096;

  private final TaskFilter filter;
  private final String[] names; // null: the filter needs the whole task
  private final Map<List<JsonNode>, Boolean> known = new HashMap<>();

  Verdicts(TaskFilter filter) {
    this.filter = filter;
    this.names = filter.fields().map(f -> f.toArray(String[]::new)).orElse(null);
  }

  /** Fresh verdicts for the same filter, for another thread (this memo is not thread-safe). */
  Verdicts copy() {
    return new Verdicts(filter);
  }

  /** Whether the filter must see whole tasks ({@link #matches(ObjectNode)}). */
  boolean wholeTask() {
    return names == null;
  }

  /** An empty projection: one value per field the filter names, null where the task has none. */
  JsonNode[] newProjection() {
    return new JsonNode[names.length];
  }

  int fieldCount() {
    return names.length;
  }

  String fieldName(int index) {
    return names[index];
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
    Boolean verdict = known.get(key);
    if (verdict == null) {
      ObjectNode view = Json.MAPPER.createObjectNode();
      for (int i = 0; i < names.length; i++) {
        if (values[i] != null) {
          view.set(names[i], values[i]);
        }
      }
      verdict = filter.matches(view);
      if (known.size() < MAX_REMEMBERED) {
        known.put(key, verdict);
      }
    }
    return verdict;
  }

  /** Whether the whole task {@code task} matches. */
  boolean matches(ObjectNode task) {
    return filter.matches(task);
  }
}
