package dev.taskboard.devops.validate;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.ArrayPath;
import dev.taskboard.devops.board.BoardWalk;
import dev.taskboard.devops.task.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One streaming pass over a board that, unlike the worker's scanner, never stops at a bad task: it
 * finds the task array where the worker would and keeps, for every task, the few fields the checks
 * need with their positions. A board that is not JSON yields only that one finding.
 */
final class BoardReader {
  private static final Set<String> WANTED =
      Set.of("id", "task_id", "status", "agent", "type", "priority");

  /** Fields a per-task file may keep in its payload instead (the board lifts them from there). */
  private static final Set<String> LIFTED = Set.of("type", "priority");

  private static final String DEPENDS_ON = "depends_on";
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)]");

  /** A field's value and where it starts. */
  record Value(JsonNode node, Position at) {}

  /** One id named in a task's {@code depends_on}, and where. */
  record Dependency(String id, Position at) {}

  /** A task as the checks see it: where it starts, its wanted fields, its dependencies. */
  record Entry(
      Position at, Map<String, Value> fields, List<Dependency> dependsOn, Optional<Path> file) {
    Entry {
      fields = Map.copyOf(fields);
      dependsOn = List.copyOf(dependsOn);
    }

    Entry(Position at, Map<String, Value> fields, List<Dependency> dependsOn) {
      this(at, fields, dependsOn, Optional.empty());
    }

    Optional<Value> field(String name) {
      return Optional.ofNullable(fields.get(name));
    }

    /** The field the worker takes the id from: {@code id}, else {@code task_id}. */
    Optional<Value> idField() {
      return field("id").or(() -> field("task_id"));
    }

    /** The id as text when the task has a usable one (a string or a number). */
    Optional<String> id() {
      return idField()
          .map(Value::node)
          .filter(n -> n.isTextual() || n.isNumber())
          .map(JsonNode::asText);
    }

    Optional<String> text(String name) {
      return field(name).map(Value::node).filter(JsonNode::isTextual).map(JsonNode::asText);
    }
  }

  /** What one pass found: the tasks, and findings about the board's shape. */
  record Result(List<Entry> tasks, List<Finding> findings) {
    Result {
      tasks = List.copyOf(tasks);
      findings = List.copyOf(findings);
    }
  }

  private final Path file;
  private final ArrayPath arrayPath;
  private final List<Entry> tasks = new ArrayList<>();
  private final List<Finding> findings = new ArrayList<>();
  private boolean foundArray;

  private BoardReader(Path file, ArrayPath arrayPath) {
    this.file = file;
    this.arrayPath = arrayPath;
  }

  /** Reads {@code file}: a board's task array, or with {@link ArrayPath#oneTask()} one task. */
  static Result read(Path file, ArrayPath arrayPath) throws IOException {
    return new BoardReader(file, arrayPath).read();
  }

  private Result read() throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
        JsonParser parser = Json.MAPPER.createParser(in)) {
      readDocument(parser);
    } catch (JsonProcessingException e) {
      // Nothing read before a syntax error can be trusted to mean what it seems to.
      return new Result(List.of(), List.of(notJson(e)));
    }
    return new Result(tasks, findings);
  }

  private void readDocument(JsonParser p) throws IOException {
    int arrays =
        BoardWalk.walk(
            p,
            arrayPath,
            new BoardWalk.Visitor() {
              @Override
              public void taskArray(JsonParser p) throws IOException {
                if (foundArray && arrayPath.definite()) {
                  finding(
                      Position.of(p.currentTokenLocation()),
                      "a second task array; remove the duplicate key");
                  p.skipChildren();
                  return;
                }
                readTasks(p);
              }

              @Override
              public void oneTask(JsonParser p) throws IOException {
                foundArray = true;
                tasks.add(readTask(p));
              }

              @Override
              public void problem(JsonLocation at, String reason) {
                foundArray = true; // a later array under a definite path is a duplicate
                findings.add(
                    Finding.at(file, at == null ? Position.START : Position.of(at), reason));
              }

              @Override
              public void trailingContent(JsonLocation at, String reason) {
                tasks.clear();
                problem(at, reason);
              }
            });
    if (arrays == 0 && !foundArray && findings.isEmpty()) {
      finding(
          Position.START,
          "no task array at "
              + arrayPath
              + "; point --tasks-path at the task array (e.g. $.tasks)");
    }
  }

  /** The parser is on the task array's START_ARRAY; reads to its END_ARRAY. */
  private void readTasks(JsonParser p) throws IOException {
    foundArray = true;
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      if (token == JsonToken.START_OBJECT) {
        tasks.add(readTask(p));
      } else {
        finding(
            Position.of(p.currentTokenLocation()),
            "a task is " + describe(token) + ", not an object; remove it or write it as {...}");
        p.skipChildren();
      }
    }
  }

  private Entry readTask(JsonParser p) throws IOException {
    Position start = Position.of(p.currentTokenLocation());
    Map<String, Value> fields = new LinkedHashMap<>();
    List<Dependency> dependsOn = new ArrayList<>();
    Map<String, Value> lifted = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      Position at = Position.of(p.currentTokenLocation());
      if (name.equals("payload") && arrayPath.isOneTask() && token == JsonToken.START_OBJECT) {
        JsonNode payload = Json.MAPPER.readTree(p);
        for (String field : LIFTED) {
          if (payload.has(field)) {
            lifted.put(field, new Value(payload.get(field), at));
          }
        }
      } else if (name.equals(DEPENDS_ON)) {
        dependsOn.clear(); // like any JSON reader, the last of repeated keys wins
        readDependencies(p, token, at, dependsOn);
      } else if (WANTED.contains(name)) {
        fields.put(name, new Value(Json.MAPPER.readTree(p), at));
      } else {
        p.skipChildren();
      }
    }
    lifted.forEach(fields::putIfAbsent);
    return arrayPath.isOneTask()
        ? new Entry(start, fields, dependsOn, Optional.of(file))
        : new Entry(start, fields, dependsOn);
  }

  private void readDependencies(
      JsonParser p, JsonToken token, Position at, List<Dependency> dependsOn) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return;
    }
    if (token != JsonToken.START_ARRAY) {
      finding(
          at,
          "depends_on is "
              + describe(token)
              + ", not a list of task ids; write it as a list, like [\"TASK-001\"]");
      p.skipChildren();
      return;
    }
    JsonToken element;
    while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
      Position elementAt = Position.of(p.currentTokenLocation());
      if (element == JsonToken.VALUE_STRING
          || element == JsonToken.VALUE_NUMBER_INT
          || element == JsonToken.VALUE_NUMBER_FLOAT) {
        dependsOn.add(new Dependency(p.getText(), elementAt));
      } else {
        finding(
            elementAt,
            "depends_on lists " + describe(element) + "; list task ids only, like [\"TASK-001\"]");
        p.skipChildren();
      }
    }
  }

  private void finding(Position at, String message) {
    findings.add(Finding.at(file, at, message));
  }

  private Finding notJson(JsonProcessingException e) {
    String reason = e.getOriginalMessage();
    int newline = reason.indexOf('\n');
    if (newline >= 0) {
      reason = reason.substring(0, newline);
    }
    Matcher source = SOURCE.matcher(reason.strip());
    reason = source.replaceAll("line $1, column $2");
    JsonLocation where = e.getLocation();
    Position at = where == null ? Position.START : Position.of(where);
    return Finding.at(
        file,
        at,
        "not valid JSON ("
            + reason
            + "); fix the file (nothing else in the board was checked), or retry if another"
            + " writer is mid-write");
  }

  static String describe(JsonToken token) {
    return BoardWalk.describe(token);
  }
}
