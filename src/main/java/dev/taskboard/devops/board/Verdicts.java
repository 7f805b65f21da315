package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

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
  private final JsonNode[][] keys = new JsonNode[2 * MAX_REMEMBERED][]; // at most half full
  private final boolean[] verdicts = new boolean[2 * MAX_REMEMBERED];
  private int remembered;

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
    // An open-addressing table of its own: a HashMap keyed by a list wrapper allocated a key and
    // two iterators per task, a collection a read in a 64 MB heap every few thousand tasks.
    int h = Arrays.hashCode(values);
    int mask = keys.length - 1;
    int i = (h * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(keys.length));
    while (keys[i] != null) {
      if (Arrays.equals(keys[i], values)) {
        return verdicts[i];
      }
      i = (i + 1) & mask;
    }
    ObjectNode view = Json.MAPPER.createObjectNode();
    for (int f = 0; f < names.length; f++) {
      if (values[f] != null) {
        view.set(names[f], values[f]);
      }
    }
    boolean verdict = filter.matches(view);
    if (remembered < MAX_REMEMBERED) {
      keys[i] = values.clone();
      verdicts[i] = verdict;
      remembered++;
    }
    return verdict;
  }

  /** Whether the whole task {@code task} matches. */
  boolean matches(ObjectNode task) {
    return filter.matches(task);
  }
}
