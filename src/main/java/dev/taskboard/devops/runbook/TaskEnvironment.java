package dev.taskboard.devops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The environment variables a task's steps see. Task data (untrusted: written by LLM agents)
 * reaches steps only this way, never as command text.
 */
public final class TaskEnvironment {
  static final String PAYLOAD = "TASK_PAYLOAD";
  static final String PAYLOAD_PREFIX = "TASK_PAYLOAD_";

  /** Set by the runner for each step: the payload as a file, for data too large for a variable. */
  public static final String PAYLOAD_FILE = "TASK_PAYLOAD_FILE";

  /** The release the gates check, {@code payload.release}, and nothing else. */
  public static final String RELEASE = "TASK_RELEASE";

  private static final String RELEASE_KEY = "release";

  /**
   * Keys that become variables as they are. Anything else could be mapped onto another key's name
   * ({@code re-lease}, {@code ſ} upper-casing to S): such keys reach steps only in the payload.
   */
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_]+");

  private static final int MAX_KEY_IN_MESSAGE = 80;

  private TaskEnvironment() {}

  /**
   * {@code TASK_ID}, {@code TASK_TYPE}, {@code TASK_ATTEMPT}, {@code TASK_PAYLOAD} (compact JSON),
   * {@code TASK_RELEASE}, {@code TASK_PAYLOAD_<KEY>} for each scalar top-level payload field whose
   * key is plain ASCII ({@code [A-Za-z0-9_]+}), {@code ENVIRONMENT_URL} when the section has a url,
   * the section's {@code env.*}, then {@code extra}; later entries win.
   *
   * @throws TaskEnvironmentException when payload keys clash or a variable is too large for the
   *     kernel; nothing has run then
   */
  public static Map<String, String> of(
      String taskId,
      String taskType,
      int attempt,
      JsonNode payload,
      Settings settings,
      Map<String, String> extra)
      throws TaskEnvironmentException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TASK_ID", clean(taskId));
    env.put("TASK_TYPE", clean(taskType));
    env.put("TASK_ATTEMPT", Integer.toString(attempt));
    boolean object = payload != null && payload.isObject();
    env.put(PAYLOAD, object ? Json.compact(payload) : "{}");
    env.put(RELEASE, release(payload));
    if (object) {
      putScalarFields(env, payload);
    }
    settings.url().ifPresent(url -> env.put("ENVIRONMENT_URL", url));
    env.putAll(settings.env());
    env.putAll(extra);
    Map<String, String> full = new HashMap<>(System.getenv());
    full.putAll(env);
    EnvironmentLimits.check(full);
    return env;
  }

  /**
   * The one release identity: {@code payload.release} read exactly as the quality gates read it, so
   * a step never deploys a release other than the one they checked.
   */
  static String release(JsonNode payload) throws TaskEnvironmentException {
    String release = payload == null ? "" : payload.path(RELEASE_KEY).asText("");
    if (release.indexOf('\0') >= 0) {
      throw new TaskEnvironmentException(
          TaskEnvironmentException.Kind.AMBIGUOUS_PAYLOAD,
          "payload.release contains a NUL character, which no environment variable can carry, so"
              + " the step would get another release than the one checked; remove it");
    }
    return release;
  }

  private static void putScalarFields(Map<String, String> env, JsonNode payload)
      throws TaskEnvironmentException {
    Map<String, String> keyOf = new HashMap<>();
    for (Map.Entry<String, JsonNode> field : payload.properties()) {
      String key = field.getKey();
      if (!PLAIN_KEY.matcher(key).matches()) {
        continue;
      }
      String name = PAYLOAD_PREFIX + key.toUpperCase(Locale.ROOT);
      String earlier = keyOf.putIfAbsent(name, key);
      if (earlier != null) {
        throw ambiguous(
            "payload keys "
                + shown(earlier)
                + " and "
                + shown(key)
                + " both map to "
                + shown(name)
                + "; rename one");
      }
      requireNotReserved(name, key);
      JsonNode value = field.getValue();
      if (value.isValueNode()) {
        env.put(name, key.equals(RELEASE_KEY) ? env.get(RELEASE) : text(value));
      }
    }
  }

  /** Names the worker gives a meaning of its own; only the key they stand for may set them. */
  private static void requireNotReserved(String name, String key) throws TaskEnvironmentException {
    if (name.equals(PAYLOAD_PREFIX + "RELEASE") && !key.equals(RELEASE_KEY)) {
      throw ambiguous(
          "payload key "
              + shown(key)
              + " maps to "
              + name
              + ", which carries payload.release (the release the gates check); rename it to"
              + " release or to another name");
    }
    if (name.equals(PAYLOAD_FILE)) {
      throw ambiguous(
          "payload key "
              + shown(key)
              + " maps to "
              + PAYLOAD_FILE
              + ", which names the file holding the whole payload; rename it");
    }
  }

  private static TaskEnvironmentException ambiguous(String message) {
    return new TaskEnvironmentException(TaskEnvironmentException.Kind.AMBIGUOUS_PAYLOAD, message);
  }

  /** A plain key, bounded for a one-line message. */
  private static String shown(String key) {
    return key.length() > MAX_KEY_IN_MESSAGE ? key.substring(0, MAX_KEY_IN_MESSAGE) + "…" : key;
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
