package dev.taskboard.devops.board;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a board keeps its task array: a definite JsonPath of member names ({@code $}, {@code
 * $.tasks}, {@code $['master']['tasks']}), or automatic: a top-level array, {@code $.tasks}, or
 * {@code $.master.tasks}.
 */
public record ArrayPath(List<String> names, boolean automatic) {
  private static final Pattern SEGMENT =
      Pattern.compile(
          "\\.([A-Za-z_$][A-Za-z0-9_$-]*)|\\[\\s*'([^']*)'\\s*]|\\[\\s*\"([^\"]*)\"\\s*]");

  public ArrayPath {
    names = List.copyOf(names);
  }

  /** Finds the array the way the boards seen in the wild keep it. */
  public static ArrayPath auto() {
    return new ArrayPath(List.of(), true);
  }

  /**
   * Reads a definite path of member names.
   *
   * @throws IllegalArgumentException when the path has wildcards, filters or indexes
   */
  public static ArrayPath parse(String path) {
    String p = path.strip();
    if (!p.startsWith("$")) {
      throw new IllegalArgumentException(
          "task array path must start with $ (e.g. $.tasks or $.master.tasks): " + path);
    }
    List<String> names = new ArrayList<>();
    Matcher m = SEGMENT.matcher(p);
    int at = 1;
    while (at < p.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "task array path must name members only, like $.tasks or $['master']['tasks']: "
                + path);
      }
      names.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
      at = m.end();
    }
    return new ArrayPath(names, false);
  }

  /** Whether member {@code name} of an object at path depth {@code depth} is the task array. */
  public boolean isTaskArray(int depth, String name) {
    if (automatic) {
      return name.equals("tasks") && (depth == 0 || depth == 1);
    }
    return depth == names.size() - 1 && names.get(depth).equals(name);
  }

  /** Whether member {@code name} at {@code depth} is an object on the way to the task array. */
  public boolean leadsTo(int depth, String name) {
    if (automatic) {
      return depth == 0 && name.equals("master");
    }
    return depth < names.size() - 1 && names.get(depth).equals(name);
  }

  /** Whether a top-level array is the task array. */
  public boolean isRootArray() {
    return automatic || names.isEmpty();
  }

  @Override
  public String toString() {
    if (automatic) {
      return "auto ($, $.tasks or $.master.tasks)";
    }
    StringBuilder sb = new StringBuilder("$");
    names.forEach(n -> sb.append("['").append(n).append("']"));
    return sb.toString();
  }
}
