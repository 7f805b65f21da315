package dev.taskboard.devops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Json;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The environment variables a task's steps see. Task data (untrusted: written by LLM agents)
 * reaches steps only this way, never as command text.
 */
public final class TaskEnvironment {
  static final String PAYLOAD_PREFIX = "TASK_PAYLOAD_";

  private TaskEnvironment() {}

  /**
   * {@code TASK_ID}, {@code TASK_TYPE}, {@code TASK_ATTEMPT}, {@code TASK_PAYLOAD} (compact JSON),
   * {@code TASK_PAYLOAD_<FIELD>} for each scalar top-level payload field, {@code ENVIRONMENT_URL}
   * when the section has a url, the section's {@code env.*}, then {@code extra}; later entries win.
   */
  public static Map<String, String> of(
      String taskId,
      String taskType,
      int attempt,
      JsonNode payload,
      Settings settings,
      Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TASK_ID", clean(taskId));
    env.put("TASK_TYPE", clean(taskType));
    env.put("TASK_ATTEMPT", Integer.toString(attempt));
    boolean object = payload != null && payload.isObject();
    env.put("TASK_PAYLOAD", object ? Json.compact(payload) : "{}");
    if (object) {
      putScalarFields(env, payload);
    }
    settings.url().ifPresent(url -> env.put("ENVIRONMENT_URL", url));
    env.putAll(settings.env());
    env.putAll(extra);
    return env;
  }

  private static void putScalarFields(Map<String, String> env, JsonNode payload) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : payload.properties()) {
      JsonNode value = field.getValue();
      if (value.isValueNode()) {
        fields.putIfAbsent(PAYLOAD_PREFIX + sanitize(field.getKey()), text(value));
      }
    }
    env.putAll(fields);
  }

  /** A payload field name as a variable name: upper case, anything outside [A-Z0-9_] as _. */
  static String sanitize(String fieldName) {
    String upper = fieldName.toUpperCase(Locale.ROOT);
    StringBuilder name = new StringBuilder(upper.length());
    for (int i = 0; i < upper.length(); i++) {
      char c = upper.charAt(i);
      boolean allowed = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      name.append(allowed ? c : '_');
    }
    return name.toString();
  }

  private static String text(JsonNode value) {
    if (value.isNull() || value.isMissingNode()) {
      return "";
    }
    return clean(value.isTextual() ? value.asText() : Json.compact(value));
  }

  /** The OS cannot carry NUL in a variable, and Java refuses it: drop it rather than fail. */
  private static String clean(String value) {
    return value == null ? "" : value.replace("\0", "");
  }
}
