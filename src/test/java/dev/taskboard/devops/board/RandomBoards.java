package dev.taskboard.devops.board;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

/** Seeded random boards in the many layouts agents write them, and random values to patch in. */
final class RandomBoards {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] WORDS = {
    "deploy",
    "pending",
    "é",
    "ü",
    "部署",
    "🚀",
    "\"quoted\"",
    "back\\slash",
    "tab\t",
    "line\nbreak",
    "",
    "x"
  };
  private static final String[] STATUSES = {
    "pending", "in_progress", "done", "blocked", "deployed"
  };
  private static final String[] AGENTS = {
    "DevOps-Engineer", "Task-Coder", "Tester", "Product-Manager"
  };

  private final Random random;
  final String unit; // null: minified
  final String lineEnding;
  final String keySeparator;
  final boolean bom;
  final boolean trailingNewline;
  final boolean escapeNonAscii;
  final int wrapping; // 0: array, 1: {"tasks"}, 2: {"master": {"tasks"}}
  final String idKey;

  RandomBoards(long seed) {
    random = new Random(seed);
    unit = pick(new String[] {"  ", "    ", "\t", null});
    lineEnding = random.nextInt(4) == 0 ? "\r\n" : "\n";
    keySeparator = random.nextBoolean() ? ": " : ":";
    bom = random.nextInt(5) == 0;
    trailingNewline = random.nextBoolean();
    escapeNonAscii = random.nextInt(3) == 0;
    wrapping = random.nextInt(3);
    idKey = random.nextBoolean() ? "id" : "task_id";
  }

  Random random() {
    return random;
  }

  ArrayNode tasks() {
    ArrayNode tasks = NODES.arrayNode();
    int n = random.nextInt(8);
    boolean numeric = random.nextInt(4) == 0;
    for (int i = 1; i <= n; i++) {
      ObjectNode task = NODES.objectNode();
      if (numeric) {
        task.put(idKey, i);
      } else {
        task.put(idKey, String.format("T-%03d", i));
      }
      task.put("status", pick(STATUSES));
      task.put("agent", pick(AGENTS));
      if (random.nextBoolean()) {
        task.set("payload", object(2));
      }
      if (random.nextBoolean()) {
        task.set("result", random.nextBoolean() ? NODES.nullNode() : object(2));
      }
      tasks.add(task);
    }
    return tasks;
  }

  JsonNode value(int depth) {
    return switch (random.nextInt(depth > 0 ? 7 : 5)) {
      case 0 -> NODES.textNode(words());
      case 1 -> NODES.numberNode(random.nextInt(2000) - 1000);
      case 2 -> NODES.booleanNode(random.nextBoolean());
      case 3 -> NODES.nullNode();
      case 4 -> NODES.numberNode(new java.math.BigDecimal("4.20"));
      case 5 -> object(depth - 1);
      default -> array(depth - 1);
    };
  }

  ObjectNode object(int depth) {
    ObjectNode o = NODES.objectNode();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      o.set(key(), value(depth));
    }
    return o;
  }

  private ArrayNode array(int depth) {
    ArrayNode a = NODES.arrayNode();
    int n = random.nextInt(3);
    for (int i = 0; i < n; i++) {
      a.add(value(depth));
    }
    return a;
  }

  String key() {
    return pick(new String[] {"title", "message", "note", "x", "ключ", "deployment_info", "log"});
  }

  private String words() {
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      sb.append(pick(WORDS));
    }
    return sb.toString();
  }

  <T> T pick(T[] options) {
    return options[random.nextInt(options.length)];
  }

  /** The board text in this generator's layout. */
  String render(ArrayNode tasks) {
    StringBuilder out = new StringBuilder(bom ? "\uFEFF" : "");
    switch (wrapping) {
      case 0 -> writeTasks(tasks, "", out);
      case 1 -> {
        out.append('{').append(nl()).append(ind("", 1)).append("\"tasks\"").append(keySeparator);
        writeTasks(tasks, ind("", 1), out);
        out.append(nl()).append('}');
      }
      default -> {
        out.append('{').append(nl()).append(ind("", 1)).append("\"master\"").append(keySeparator);
        out.append('{').append(nl()).append(ind("", 2)).append("\"tasks\"").append(keySeparator);
        writeTasks(tasks, ind("", 2), out);
        out.append(nl()).append(ind("", 1)).append('}').append(nl()).append('}');
      }
    }
    if (trailingNewline) {
      out.append(lineEnding);
    }
    return out.toString();
  }

  private void writeTasks(ArrayNode tasks, String indent, StringBuilder out) {
    if (tasks.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append('[');
    for (int i = 0; i < tasks.size(); i++) {
      out.append(nl());
      if (i > 0 && unit != null && random.nextInt(6) == 0) {
        out.append(lineEnding); // a blank line between entries, as some agents leave
      }
      out.append(ind(indent, 1));
      write(tasks.get(i), ind(indent, 1), out, false);
      out.append(i < tasks.size() - 1 ? "," : "");
    }
    out.append(nl()).append(indent).append(']');
  }

  private void write(JsonNode node, String indent, StringBuilder out, boolean inline) {
    if (node.isObject() && !node.isEmpty()) {
      boolean in = inline || unit == null || random.nextInt(5) == 0;
      out.append('{');
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        out.append(in ? "" : nl() + ind(indent, 1));
        out.append(scalar(NODES.textNode(f.getKey()))).append(keySeparator);
        write(f.getValue(), ind(indent, 1), out, in);
        out.append(fields.hasNext() ? (in ? ", " : ",") : "");
      }
      out.append(in ? "" : nl() + indent).append('}');
    } else if (node.isArray() && !node.isEmpty()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        write(node.get(i), indent, out, true);
        out.append(i < node.size() - 1 ? ", " : "");
      }
      out.append(']');
    } else {
      out.append(scalar(node));
    }
  }

  private String nl() {
    return unit == null ? "" : lineEnding;
  }

  private String ind(String indent, int levels) {
    return unit == null ? "" : indent + unit.repeat(levels);
  }

  private String scalar(JsonNode node) {
    ObjectWriter w = Json.MAPPER.writer();
    if (escapeNonAscii) {
      w = w.with(JsonWriteFeature.ESCAPE_NON_ASCII).without(JsonWriteFeature.WRITE_HEX_UPPER_CASE);
    }
    try {
      return w.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
