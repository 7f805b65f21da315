package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.Printable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a filter does not take a task: each condition of its top-level {@code &&} that fails, with
 * the task's value of each field it reads, e.g. {@code @.status == 'pending' fails: status is
 * "Pending"}.
 */
final class FilterConditions {
  private static final Pattern FIELD = Pattern.compile("@\\.([A-Za-z_$][A-Za-z0-9_$]*)");

  private FilterConditions() {}

  /** One line per failing top-level condition of {@code filter} for {@code task}. */
  static List<String> failing(TaskFilter filter, JsonNode task) {
    List<String> out = new ArrayList<>();
    List<String> conditions = conjuncts(filter.expression());
    if (conditions.size() < 2) {
      return out;
    }
    for (String condition : conditions) {
      boolean holds;
      try {
        holds = TaskFilter.parse(condition).matches(task);
      } catch (RuntimeException notAlone) {
        return List.of(); // a part that does not stand alone: say nothing rather than guess
      }
      if (!holds) {
        out.add(condition + " fails: " + values(condition, task));
      }
    }
    return out;
  }

  private static String values(String condition, JsonNode task) {
    Set<String> fields = new LinkedHashSet<>();
    Matcher m = FIELD.matcher(condition);
    while (m.find()) {
      fields.add(m.group(1));
    }
    List<String> parts = new ArrayList<>();
    for (String field : fields) {
      JsonNode v = task.get(field);
      parts.add(field + (v == null ? " is absent" : " is " + Printable.of(Json.compact(v))));
    }
    return parts.isEmpty() ? "(no field named)" : String.join(", ", parts);
  }

  /**
   * {@code [?(a && (b || c))]} → {@code a}, {@code (b || c)}: the top-level conjuncts, outside
   * parentheses, quotes and regular expressions.
   */
  static List<String> conjuncts(String expression) {
    String e = expression.strip();
    if (e.startsWith("[?(") && e.endsWith(")]")) {
      e = e.substring(3, e.length() - 2).strip();
    }
    while (e.startsWith("(") && closing(e, 0) == e.length() - 1) {
      e = e.substring(1, e.length() - 1).strip();
    }
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(e, i, c);
      } else if (c == '/' && e.substring(0, i).stripTrailing().endsWith("=~")) {
        i = skipQuoted(e, i, '/');
      } else if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (depth == 0 && e.startsWith("&&", i)) {
        parts.add(e.substring(start, i).strip());
        start = i + 2;
        i++;
      }
    }
    parts.add(e.substring(start).strip());
    return parts;
  }

  /** The index of the parenthesis closing the one at {@code open}, or -1. */
  private static int closing(String e, int open) {
    int depth = 0;
    for (int i = open; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(e, i, c);
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static int skipQuoted(String e, int open, char quote) {
    for (int i = open + 1; i < e.length(); i++) {
      if (e.charAt(i) == '\\') {
        i++;
      } else if (e.charAt(i) == quote) {
        return i;
      }
    }
    return e.length();
  }
}
