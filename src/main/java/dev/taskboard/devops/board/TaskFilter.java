package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.Filter;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.internal.path.PredicateContextImpl;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.taskboard.devops.task.Agents;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Jayway JsonPath filter applied to one task at a time, so a board is never loaded whole.
 *
 * <p>The filter is evaluated on a projection of each task that holds only the top-level fields the
 * filter names; a filter whose fields cannot be read off its text (root references, deep scans,
 * functions on the item) sees the whole task instead. Either way the matches equal Jayway's own on
 * the whole document.
 */
public final class TaskFilter {
  /**
   * The worker's own selection. Jayway's {@code =~} must match the whole string, hence {@code .*}.
   */
  public static final String DEFAULT_EXPRESSION =
      "[?(@.agent == '"
          + Agents.DEVOPS_ENGINEER
          + "' && @.status == '"
          + TaskStatus.PENDING.wireName()
          + "' && "
          + TaskType.HANDLED_CONDITION
          + ")]";

  private static final Configuration JAYWAY =
      Configuration.builder()
          .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
          .mappingProvider(new JacksonMappingProvider(Json.MAPPER))
          .build();

  private static final Pattern DOT_FIELD =
      Pattern.compile("@\\.([A-Za-z_$][A-Za-z0-9_$]*)(?!\\s*\\()");
  private static final Pattern BRACKET_FIELD = Pattern.compile("@\\[\\s*(['\"])(.*?)\\1\\s*]");
  private static final Pattern ANY_ITEM_REFERENCE = Pattern.compile("@");

  private final String expression;
  private final Filter filter;
  private final Set<String> fields; // null: the filter needs the whole task

  private TaskFilter(String expression, Filter filter, Set<String> fields) {
    this.expression = expression;
    this.filter = filter;
    this.fields = fields;
  }

  /** The worker's default selection. */
  public static TaskFilter defaultFilter() {
    return parse(DEFAULT_EXPRESSION);
  }

  /**
   * Compiles a filter given as {@code [?(...)]}, {@code ?(...)} or a bare expression such as
   * {@code @.status == 'pending'}.
   *
   * @throws IllegalArgumentException with a one-line reason when it is not a JsonPath filter
   */
  public static TaskFilter parse(String text) {
    String trimmed = text.strip();
    String expression;
    if (trimmed.startsWith("[?")) {
      expression = trimmed;
    } else if (trimmed.startsWith("?(")) {
      expression = "[" + trimmed + "]";
    } else {
      expression = "[?(" + trimmed + ")]";
    }
    try {
      return new TaskFilter(expression, Filter.parse(expression), projectedFields(expression));
    } catch (InvalidPathException | IllegalStateException e) {
      throw new IllegalArgumentException(
          "not a JsonPath filter: " + text + " (" + firstLine(e.getMessage()) + ")", e);
    }
  }

  /** Tasks either filter matches. */
  public TaskFilter or(TaskFilter other) {
    return parse("[?(" + condition(expression) + " || " + condition(other.expression) + ")]");
  }

  /** {@code [?(x)]} → {@code (x)}: the parenthesized condition of a filter. */
  private static String condition(String expression) {
    String rest = expression.strip();
    return rest.substring(2, rest.length() - 1).strip();
  }

  /** The filter as Jayway reads it, for messages. */
  public String expression() {
    return expression;
  }

  /** Top-level field names the filter reads; empty when it needs the whole task. */
  Optional<Set<String>> fields() {
    return Optional.ofNullable(fields);
  }

  /** Whether {@code task} (a whole task, or its projection on {@link #fields()}) matches. */
  public boolean matches(JsonNode task) {
    // Jayway's own context, as its filter on the whole document builds it for each element: the
    // task is both the item and the root ($ in a filter means the task). The class is json-path's
    // internal one: after an upgrade, TaskFilterTest checks the matches against Jayway's own.
    return filter.apply(new PredicateContextImpl(task, task, JAYWAY, new HashMap<>()));
  }

  private static Set<String> projectedFields(String expression) {
    String withoutStrings = expression.replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''");
    if (withoutStrings.contains("$")) {
      return null;
    }
    Set<String> names = new LinkedHashSet<>();
    int references = (int) ANY_ITEM_REFERENCE.matcher(withoutStrings).results().count();
    int recognized = 0;
    Matcher dot = DOT_FIELD.matcher(withoutStrings);
    while (dot.find()) {
      names.add(dot.group(1));
      recognized++;
    }
    Matcher bracket = BRACKET_FIELD.matcher(expression);
    while (bracket.find()) {
      names.add(bracket.group(2));
      recognized++;
    }
    return recognized == references ? Set.copyOf(names) : null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid syntax";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  @Override
  public String toString() {
    return expression;
  }
}
