package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Changes to one task: fields to set (added when missing) and the values some fields must still
 * have on disk for the change to apply (compare-and-set).
 */
public record Patch(List<Field> sets, List<Field> expectations) {
  public Patch {
    sets = List.copyOf(sets);
    expectations = List.copyOf(expectations);
  }

  /**
   * One field and its value; {@code merge} marks an empty object from {@link #merge} that leaves an
   * existing object as it is.
   */
  public record Field(FieldPath path, JsonNode value, boolean merge) {
    public Field(FieldPath path, JsonNode value) {
      this(path, value, false);
    }
  }

  public static Patch empty() {
    return new Patch(List.of(), List.of());
  }

  public Patch set(String dottedPath, JsonNode value) {
    return withSet(new Field(FieldPath.parse(dottedPath), value));
  }

  public Patch expect(String dottedPath, JsonNode value) {
    List<Field> e = new ArrayList<>(expectations);
    e.add(new Field(FieldPath.parse(dottedPath), value));
    return new Patch(sets, e);
  }

  /**
   * Deep-merges {@code object}: nested objects merge field by field, anything else (arrays,
   * scalars, null) replaces the value at its path.
   */
  public Patch merge(JsonNode object) {
    Patch patch = this;
    for (Field leaf : leaves(List.of(), object)) {
      patch = patch.withSet(leaf);
    }
    return patch;
  }

  private Patch withSet(Field field) {
    List<Field> s = new ArrayList<>(sets);
    s.add(field);
    return new Patch(s, expectations);
  }

  private static List<Field> leaves(List<String> prefix, JsonNode object) {
    List<Field> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      List<String> path = new ArrayList<>(prefix);
      path.add(f.getKey());
      if (f.getValue().isObject() && !f.getValue().isEmpty()) {
        out.addAll(leaves(path, f.getValue()));
      } else {
        out.add(new Field(new FieldPath(path), f.getValue(), f.getValue().isObject()));
      }
    }
    return out;
  }
}
