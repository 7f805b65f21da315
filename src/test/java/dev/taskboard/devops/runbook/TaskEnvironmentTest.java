package dev.taskboard.devops.runbook;

import static dev.taskboard.devops.runbook.Steps.settings;
import static dev.taskboard.devops.runbook.Steps.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskEnvironmentTest {
  @TempDir Path dir;

  private static final Settings PLAIN = settings(Path.of("."));

  @Test
  void of_setsTaskVariables_payloadFields_url_sectionEnv_andExtra() throws Exception {
    JsonNode payload =
        Json.parse(
            "{\"release\":\"1.4.0\",\"break_health_check\":true,\"replicas\":3,\"ratio\":4.20,"
                + "\"owner\":null,\"tags\":[\"a\"],\"limits\":{\"cpu\":1}}");
    Settings s =
        new Settings(
            Duration.ofMinutes(1),
            1,
            Duration.ZERO,
            Optional.of("http://127.0.0.1:18081/"),
            Path.of("."),
            Duration.ZERO,
            Map.of("DEPLOY_ROOT", "/srv/envs"),
            Set.of());

    Map<String, String> env =
        TaskEnvironment.of(
            "TASK-004", "deployment_staging", 2, payload, s, Map.of("DEVOPS_STATE_DIR", "/state"));

    assertEquals(
        List.of(
            "TASK_ID",
            "TASK_TYPE",
            "TASK_ATTEMPT",
            "TASK_PAYLOAD",
            "TASK_RELEASE",
            "TASK_PAYLOAD_RELEASE",
            "TASK_PAYLOAD_BREAK_HEALTH_CHECK",
            "TASK_PAYLOAD_REPLICAS",
            "TASK_PAYLOAD_RATIO",
            "TASK_PAYLOAD_OWNER",
            "ENVIRONMENT_URL",
            "DEPLOY_ROOT",
            "DEVOPS_STATE_DIR"),
        List.copyOf(env.keySet()));
    assertEquals("TASK-004", env.get("TASK_ID"));
    assertEquals("deployment_staging", env.get("TASK_TYPE"));
    assertEquals("2", env.get("TASK_ATTEMPT"));
    assertEquals(Json.compact(payload), env.get("TASK_PAYLOAD"));
    assertEquals("1.4.0", env.get("TASK_RELEASE"));
    assertEquals("1.4.0", env.get("TASK_PAYLOAD_RELEASE"));
    assertEquals("true", env.get("TASK_PAYLOAD_BREAK_HEALTH_CHECK"));
    assertEquals("3", env.get("TASK_PAYLOAD_REPLICAS"));
    assertEquals("4.20", env.get("TASK_PAYLOAD_RATIO"));
    assertEquals("", env.get("TASK_PAYLOAD_OWNER"));
    assertEquals("http://127.0.0.1:18081/", env.get("ENVIRONMENT_URL"));
    assertEquals("/srv/envs", env.get("DEPLOY_ROOT"));
    assertEquals("/state", env.get("DEVOPS_STATE_DIR"));
  }

  @Test
  void of_exportsOnlyPlainAsciiKeys_othersReachStepsInThePayloadOnly() throws Exception {
    JsonNode payload =
        Json.parse(
            "{\"target-env\":\"a\",\"target.env\":\"b\",\"gr\u00f6\u00dfe\":\"c\","
                + "\"\u017Fecret\":\"d\",\"a b$c\":\"e\",\"\":\"f\",\"Mixed_Case9\":\"g\","
                + "\"nul\":\"a\\u0000b\"}");

    Map<String, String> env = TaskEnvironment.of("T-1", "t", 1, payload, PLAIN, Map.of());

    assertEquals(
        List.of("TASK_PAYLOAD_MIXED_CASE9", "TASK_PAYLOAD_NUL"),
        env.keySet().stream().filter(k -> k.startsWith("TASK_PAYLOAD_")).toList());
    assertEquals("g", env.get("TASK_PAYLOAD_MIXED_CASE9"));
    assertEquals("ab", env.get("TASK_PAYLOAD_NUL"));
    assertEquals(Json.compact(payload), env.get("TASK_PAYLOAD"));
  }

  @Test
  void of_keysMappingToOneVariable_areRefused() throws Exception {
    for (String[] c :
        List.of(
            new String[] {"release", "RELEASE", "TASK_PAYLOAD_RELEASE"},
            new String[] {"Target_Env", "TARGET_ENV", "TASK_PAYLOAD_TARGET_ENV"},
            new String[] {"x", "X", "TASK_PAYLOAD_X"})) {
      JsonNode payload = Json.MAPPER.createObjectNode().put(c[0], "1").put(c[1], "2");

      TaskEnvironmentException e =
          assertThrows(
              TaskEnvironmentException.class,
              () -> TaskEnvironment.of("T-1", "t", 1, payload, PLAIN, Map.of()));

      assertEquals(TaskEnvironmentException.Kind.AMBIGUOUS_PAYLOAD, e.kind());
      assertEquals(
          "payload keys " + c[0] + " and " + c[1] + " both map to " + c[2] + "; rename one",
          e.getMessage());
    }
  }

  /** The gates read payload.release: no other key may put another release where steps look. */
  @Test
  void of_anotherKeyForTheReleaseVariable_isRefused() throws Exception {
    for (String key : List.of("Release", "RELEASE", "rElEaSe")) {
      JsonNode payload = Json.MAPPER.createObjectNode().put(key, "6.6.6");

      TaskEnvironmentException e =
          assertThrows(
              TaskEnvironmentException.class,
              () -> TaskEnvironment.of("T-1", "t", 1, payload, PLAIN, Map.of()));

      assertEquals(
          "payload key "
              + key
              + " maps to TASK_PAYLOAD_RELEASE, which carries payload.release (the release the"
              + " gates check); rename it to release or to another name",
          e.getMessage());
    }
  }

  @Test
  void of_keyForThePayloadFileVariable_isRefused() {
    JsonNode payload = Json.MAPPER.createObjectNode().put("file", "/etc/passwd");

    TaskEnvironmentException e =
        assertThrows(
            TaskEnvironmentException.class,
            () -> TaskEnvironment.of("T-1", "t", 1, payload, PLAIN, Map.of()));

    assertEquals(
        "payload key file maps to TASK_PAYLOAD_FILE, which names the file holding the whole"
            + " payload; rename it",
        e.getMessage());
  }

  @Test
  void of_taskRelease_isPayloadReleaseReadAsTheGatesReadIt() throws Exception {
    for (String[] c :
        List.of(
            new String[] {"{\"release\":\"1.4.0\"}", "1.4.0"},
            new String[] {"{\"release\":1.40}", "1.40"},
            new String[] {"{\"release\":true}", "true"},
            new String[] {"{\"release\":null}", ""},
            new String[] {"{\"release\":{\"v\":1}}", ""},
            new String[] {"{\"version\":\"1.4.0\"}", ""})) {
      JsonNode payload = Json.parse(c[0]);

      Map<String, String> env = TaskEnvironment.of("T-1", "t", 1, payload, PLAIN, Map.of());

      assertEquals(c[1], env.get("TASK_RELEASE"), c[0]);
      assertEquals(payload.path("release").asText(""), env.get("TASK_RELEASE"), c[0]);
      if (payload.path("release").isValueNode()) {
        assertEquals(c[1], env.get("TASK_PAYLOAD_RELEASE"), c[0]);
      }
    }
  }

  @Test
  void of_releaseWithANul_isRefused() throws Exception {
    JsonNode payload = Json.parse("{\"release\":\"1.4\\u00000\"}");

    TaskEnvironmentException e =
        assertThrows(
            TaskEnvironmentException.class,
            () -> TaskEnvironment.of("T-1", "t", 1, payload, PLAIN, Map.of()));

    assertEquals(TaskEnvironmentException.Kind.AMBIGUOUS_PAYLOAD, e.kind());
  }

  @Test
  void of_variableAtTheKernelLimit_isKept_oneByteMoreIsRefusedNamingIt() throws Exception {
    int max = EnvironmentLimits.MAX_VARIABLE - "BIG=".length() - 1;
    TaskEnvironment.of("T-1", "t", 1, null, PLAIN, Map.of("BIG", "x".repeat(max)));

    TaskEnvironmentException e =
        assertThrows(
            TaskEnvironmentException.class,
            () -> TaskEnvironment.of("T-1", "t", 1, null, PLAIN, Map.of("BIG", "é".repeat(max))));

    assertEquals(TaskEnvironmentException.Kind.TOO_LARGE, e.kind());
    assertEquals(
        "BIG would be "
            + (2 * max + 5)
            + " bytes as NAME=value, over the kernel's limit of 131072 for one environment"
            + " variable, so no step could start; nothing ran. Shorten it (steps read the whole"
            + " payload from the file named by TASK_PAYLOAD_FILE)",
        e.getMessage());
  }

  @Test
  void of_payloadFieldOverTheKernelLimit_isRefusedBeforeAnythingRuns() throws Exception {
    JsonNode payload = Json.MAPPER.createObjectNode().put("notes", "n".repeat(200_000));

    TaskEnvironmentException e =
        assertThrows(
            TaskEnvironmentException.class,
            () -> TaskEnvironment.of("T-1", "t", 1, payload, PLAIN, Map.of()));

    assertEquals(TaskEnvironmentException.Kind.TOO_LARGE, e.kind());
    assertTrue(e.getMessage().startsWith("TASK_PAYLOAD would be 200"), e.getMessage());
    assertTrue(e.getMessage().contains("Make the payload smaller"), e.getMessage());
  }

  @Test
  void of_environmentOverTheSafeTotal_isRefused() {
    Map<String, String> extra = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 12; i++) {
      extra.put("PART_" + i, "p".repeat(100_000));
    }

    TaskEnvironmentException e =
        assertThrows(
            TaskEnvironmentException.class,
            () -> TaskEnvironment.of("T-1", "t", 1, null, PLAIN, extra));

    assertEquals(TaskEnvironmentException.Kind.TOO_LARGE, e.kind());
    assertTrue(
        e.getMessage().startsWith("the steps' environment (the worker's own variables and the"),
        e.getMessage());
  }

  @Test
  void of_withoutPayload_givesAnEmptyObject() throws Exception {
    Map<String, String> env = TaskEnvironment.of("T-1", "t", 1, null, PLAIN, Map.of());

    assertEquals("{}", env.get("TASK_PAYLOAD"));
    assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("TASK_PAYLOAD_")));
    assertEquals("", env.get("TASK_RELEASE"));
  }

  @Test
  void hostilePayload_reachesTheStepOnlyAsData() throws Exception {
    String[] hostile = {
      "$(touch pwned)", "; touch pwned", "`touch pwned`", "\"' && touch pwned; echo '\"", "\\n$HOME"
    };
    JsonNode payload =
        Json.MAPPER
            .createObjectNode()
            .put("a", hostile[0])
            .put("b", hostile[1])
            .put("c", hostile[2])
            .put("d", hostile[3])
            .put("e", hostile[4]);
    Map<String, String> env =
        TaskEnvironment.of("T-1", "deployment_staging", 1, payload, PLAIN, Map.of());
    Path log = dir.resolve("attempt-1.log");
    Step step =
        sh(
            "printf 'a=%s\\n' \"$TASK_PAYLOAD_A\"\n"
                + "printf 'b=%s\\n' $TASK_PAYLOAD_B\n"
                + "echo \"c=$TASK_PAYLOAD_C\"\n"
                + "printf 'd=%s\\n' \"$TASK_PAYLOAD_D\"\n"
                + "printf 'e=%s\\n' \"$TASK_PAYLOAD_E\"\n"
                + "printf 'json=%s\\n' \"$TASK_PAYLOAD\"");

    StepResult r = new StepRunner().run(step, settings(dir), env, log, new StopSignal());

    assertTrue(r.ok(), r.toString());
    assertFalse(Files.exists(dir.resolve("pwned")));
    List<String> lines = Files.readAllLines(log);
    assertTrue(lines.contains("a=" + hostile[0]), lines.toString());
    assertTrue(lines.contains("c=" + hostile[2]), lines.toString());
    assertTrue(lines.contains("d=" + hostile[3]), lines.toString());
    assertTrue(lines.contains("e=" + hostile[4]), lines.toString());
    assertTrue(lines.contains("json=" + Json.compact(payload)), lines.toString());
    // Unquoted, the value is split into words, but still never evaluated.
    assertTrue(lines.containsAll(List.of("b=;", "b=touch", "b=pwned")), lines.toString());
  }
}
