package dev.taskboard.devops.runbook;

import static dev.taskboard.devops.runbook.Steps.settings;
import static dev.taskboard.devops.runbook.Steps.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Json;
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
  void of_sanitisesFieldNames_andTheFirstOfCollidingNamesWins() throws Exception {
    JsonNode payload =
        Json.parse(
            "{\"target-env\":\"first\",\"TARGET_ENV\":\"second\",\"target.env\":\"third\","
                + "\"größe\":\"x\",\"a b$c\":\"y\",\"nul\":\"a\\u0000b\"}");

    Map<String, String> env = TaskEnvironment.of("T-1", "t", 1, payload, PLAIN, Map.of());

    assertEquals("first", env.get("TASK_PAYLOAD_TARGET_ENV"));
    assertEquals("x", env.get("TASK_PAYLOAD_GR_SSE"));
    assertEquals("y", env.get("TASK_PAYLOAD_A_B_C"));
    assertEquals("ab", env.get("TASK_PAYLOAD_NUL"));
    assertEquals("R_1_0", TaskEnvironment.sanitize("r-1.0"));
  }

  @Test
  void of_withoutPayload_givesAnEmptyObject() {
    Map<String, String> env = TaskEnvironment.of("T-1", "t", 1, null, PLAIN, Map.of());

    assertEquals("{}", env.get("TASK_PAYLOAD"));
    assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("TASK_PAYLOAD_")));
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
