package dev.taskboard.devops.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One tool call's arguments, checked as they are read: every value an agent sends is hostile. A bad
 * value becomes a {@link ToolError} naming the argument, what is wrong and what to do — and it
 * never echoes more than a short, printable part of what was sent.
 */
final class Args {
  static final int MAX_ID_BYTES = 255;
  static final int MAX_IDS = 50;
  static final int MAX_TITLE = 200;
  static final int MAX_DESCRIPTION = 10_000;
  static final int MAX_RELEASE = 100;
  static final int MAX_REASON = 1_000;
  static final int MAX_EVIDENCE_BYTES = 20_000;
  static final int MAX_EVIDENCE_DEPTH = 4;

  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final Pattern STATUS = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
  private static final Pattern RELEASE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
  private static final Pattern CHECK = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private final ObjectNode values;

  private Args(ObjectNode values) {
    this.values = values;
  }

  /**
   * The arguments of a call to a tool taking {@code names}; an argument of another name is refused,
   * so a misspelt one never goes unnoticed.
   */
  static Args of(Map<String, Object> arguments, Set<String> names) {
    ObjectNode values =
        arguments == null
            ? Json.MAPPER.createObjectNode()
            : Json.MAPPER.valueToTree(arguments); // a Map always converts to an object
    Iterator<String> given = values.fieldNames();
    while (given.hasNext()) {
      String name = given.next();
      if (!names.contains(name)) {
        throw new ToolError(
            "unknown argument "
                + quoted(name)
                + "; this tool takes "
                + String.join(", ", new TreeSet<>(names)));
      }
    }
    return new Args(values);
  }

  /** A task id: text of 1 to 255 UTF-8 bytes without control or format characters. */
  String id(String name) {
    String id = requiredString(name, "the task's id, like \"TASK-007\"");
    checkId(name, id);
    return id;
  }

  /** A task type: lower-case letters, digits and underscores. */
  String type(String name) {
    String type = requiredString(name, "a task type, like \"deployment_staging\"");
    if (!TYPE.matcher(type).matches()) {
      throw new ToolError(
          name
              + ": "
              + quoted(type)
              + " is not a task type; use lower-case letters, digits and _ (at most 64), like"
              + " \"deployment_staging\"");
    }
    return type;
  }

  /** A board status word, if given. */
  Optional<String> status(String name) {
    Optional<String> status = optionalString(name);
    if (status.isPresent() && !STATUS.matcher(status.get()).matches()) {
      throw new ToolError(
          name
              + ": "
              + quoted(status.get())
              + " is not a status; use a status word of the board, like \"failed\" or"
              + " \"in_progress\"");
    }
    return status;
  }

  /**
   * A release name, if given: letters, digits and {@code . _ + -}, starting with one of the first.
   */
  Optional<String> release(String name) {
    Optional<String> release = optionalString(name);
    if (release.isEmpty()) {
      return release;
    }
    String r = release.get();
    checkLength(name, r, MAX_RELEASE, "shorten it");
    if (!RELEASE.matcher(r).matches()) {
      throw new ToolError(
          name
              + ": "
              + quoted(r)
              + " is not a release name; use letters, digits and . _ + - (starting with a letter"
              + " or digit), like \"1.4.0\" or \"2026.12.1-rc.2\"");
    }
    return release;
  }

  /** One line of text (a title, a reason): required, no control characters. */
  String line(String name, int max, String hint, String whenTooLong) {
    String text = requiredString(name, hint);
    if (text.isBlank()) {
      throw new ToolError(name + ": is blank; give " + hint);
    }
    checkLength(name, text, max, whenTooLong);
    if (text.codePoints().anyMatch(Args::isControlOrBreak)) {
      throw new ToolError(
          name + ": has a control character or line break; give one line of plain text");
    }
    return text;
  }

  /** Free text over several lines (a description), if given: tabs and line feeds allowed. */
  Optional<String> text(String name, int max, String whenTooLong) {
    Optional<String> text = optionalString(name);
    if (text.isEmpty()) {
      return text;
    }
    checkLength(name, text.get(), max, whenTooLong);
    if (text.get().codePoints().anyMatch(c -> c != '\n' && c != '\t' && isControlOrBreak(c))) {
      throw new ToolError(
          name + ": has a control character; use plain text (line feeds and tabs are fine)");
    }
    return text;
  }

  /** A list of task ids, if given: at most {@link #MAX_IDS}, each a valid id, no repeats. */
  List<String> ids(String name) {
    JsonNode value = values.get(name);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new ToolError(name + ": must be an array of task ids, like [\"TASK-003\"]");
    }
    if (value.size() > MAX_IDS) {
      throw new ToolError(
          name + ": " + value.size() + " ids, at most " + MAX_IDS + " are allowed; name fewer");
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      String element = name + "[" + i + "]";
      if (!value.get(i).isTextual()) {
        throw new ToolError(element + ": must be a string, a task's id like \"TASK-003\"");
      }
      String id = value.get(i).asText();
      checkId(element, id);
      if (ids.contains(id)) {
        throw new ToolError(element + ": " + quoted(id) + " is listed twice; name each task once");
      }
      ids.add(id);
    }
    return ids;
  }

  /**
   * Gate evidence, if given: an object whose keys are check names (like {@code unit_tests}) and
   * whose values are what the README's evidence convention accepts; bounded in size and depth.
   */
  Optional<ObjectNode> evidence(String name) {
    JsonNode value = values.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw new ToolError(
          name
              + ": must be an object of gate checks, like {\"unit_tests\": {\"total_tests\": 180,"
              + " \"passed_tests\": 180}, \"code_review\": \"approved\"}");
    }
    int bytes = Json.compact(value).getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_EVIDENCE_BYTES) {
      throw new ToolError(
          name
              + ": "
              + bytes
              + " bytes of JSON, at most "
              + MAX_EVIDENCE_BYTES
              + " are allowed; point to a file instead, like {\"security_validation\": {\"file\":"
              + " \"evidence/security.json\"}}");
    }
    Iterator<String> checks = value.fieldNames();
    while (checks.hasNext()) {
      String check = checks.next();
      if (!CHECK.matcher(check).matches()) {
        throw new ToolError(
            name
                + ": "
                + quoted(check)
                + " is not a check name; use the gate's check names, like \"unit_tests\" or"
                + " \"code_review\"");
      }
      checkDepth(name + "." + check, value.get(check), 2); // the evidence object is level 1
    }
    return Optional.of((ObjectNode) value);
  }

  private static void checkDepth(String path, JsonNode value, int depth) {
    if (!value.isContainerNode()) {
      return;
    }
    if (depth > MAX_EVIDENCE_DEPTH) {
      throw new ToolError(
          path + ": nested deeper than " + MAX_EVIDENCE_DEPTH + " levels; flatten the evidence");
    }
    for (JsonNode child : value) {
      checkDepth(path, child, depth + 1);
    }
  }

  private String requiredString(String name, String hint) {
    return optionalString(name).orElseThrow(() -> new ToolError(name + ": missing; give " + hint));
  }

  private Optional<String> optionalString(String name) {
    JsonNode value = values.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new ToolError(name + ": must be a string, not " + value.getNodeType().name());
    }
    return Optional.of(value.asText());
  }

  private static void checkId(String name, String id) {
    int bytes = id.getBytes(StandardCharsets.UTF_8).length;
    if (id.isBlank()) {
      throw new ToolError(name + ": is blank; give a task's id, like \"TASK-007\"");
    }
    if (bytes > MAX_ID_BYTES) {
      throw new ToolError(
          name
              + ": "
              + bytes
              + " bytes, at most "
              + MAX_ID_BYTES
              + " are allowed; give a task's id, like \"TASK-007\"");
    }
    if (id.codePoints().anyMatch(Args::isControlOrFormat)) {
      throw new ToolError(
          name + ": has a control or format character; ids are plain text, like \"TASK-007\"");
    }
  }

  private static void checkLength(String name, String text, int max, String whenTooLong) {
    int chars = text.codePointCount(0, text.length());
    if (chars > max) {
      throw new ToolError(
          name + ": " + chars + " characters, at most " + max + " are allowed; " + whenTooLong);
    }
  }

  private static boolean isControlOrBreak(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static boolean isControlOrFormat(int c) {
    return isControlOrBreak(c) || Character.getType(c) == Character.FORMAT;
  }

  /** A short, printable rendering of untrusted text for a message. */
  static String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    text.codePoints().limit(40).forEach(c -> out.appendCodePoint(isControlOrFormat(c) ? '?' : c));
    if (text.codePointCount(0, text.length()) > 40) {
      out.append('…');
    }
    return out.append('"').toString();
  }
}
