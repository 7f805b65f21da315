package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Arrays;
import java.util.List;

/** A field of a task, from the task down: {@code status}, or dotted {@code result.status}. */
public record FieldPath(List<String> names) {
  public FieldPath {
    names = List.copyOf(names);
    if (names.isEmpty() || names.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("field names must not be empty");
    }
  }

  /** {@code a.b.c} → [a, b, c]; a name cannot contain a dot. */
  public static FieldPath parse(String dotted) {
    List<String> names = Arrays.asList(dotted.split("\\.", -1));
    if (names.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException(
          "field path '" + dotted + "' has an empty name; write it like result.status");
    }
    return new FieldPath(names);
  }

  /** The value at this path in {@code task}, or a missing node. */
  public JsonNode in(JsonNode task) {
    JsonNode node = task;
    for (String name : names) {
      node = node.isObject() ? node.path(name) : MissingNode.getInstance();
    }
    return node;
  }

  /**
   * The value at this path in a new task, which must be a scalar: the key a follow-up is known by.
   */
  JsonNode valueOfNew(JsonNode task) {
    JsonNode value = in(task);
    if (!value.isValueNode()) {
      throw new IllegalArgumentException("the new task has no value at " + this);
    }
    return value;
  }

  @Override
  public String toString() {
    return String.join(".", names);
  }
}
