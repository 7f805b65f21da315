package dev.taskboard.devops.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The repository's own deployment.md: complete, and really deploying the example service. */
class ShippedRunbookTest {
  private static final Path SHIPPED = Path.of("deployment.md");
  private static final List<String> HANDLED_TYPES =
      List.of(
          "deployment_staging",
          "deployment_production",
          "deployment_rollback",
          "infrastructure_update",
          "monitoring_setup");

  @TempDir Path state;

  private Runbook runbook;
  private int port;
  private int attempt;
  private final StepRunner runner = new StepRunner();

  @BeforeEach
  void load() throws IOException {
    runbook = Runbook.load(SHIPPED);
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
  }

  @AfterEach
  void stopServices() throws Exception {
    for (String environment : List.of("staging", "production")) {
      Path pidFile = state.resolve("environments").resolve(environment).resolve("greeter.pid");
      if (Files.exists(pidFile)) {
        long pid = Steps.pidIn(pidFile);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        Steps.goneWithin(pid, Duration.ofSeconds(10));
      }
    }
  }

  @Test
  void shippedRunbook_hasASectionForEveryHandledType_andEachCanRollBack() {
    for (String type : HANDLED_TYPES) {
      Section section = runbook.section(type).orElseThrow(() -> new AssertionError(type));
      assertTrue(section.has(Phase.DEPLOY), type);
      assertTrue(section.has(Phase.VERIFY), type);
      assertTrue(section.has(Phase.ROLLBACK), type);
    }
    assertTrue(runbook.section("deployment_production").orElseThrow().has(Phase.ROLLBACK));
    assertEquals(
        "http://127.0.0.1:18082/",
        runbook.section("deployment_production").orElseThrow().settings().url().orElseThrow());
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void staging_deploysVerifies_thenABrokenReleaseIsRolledBack() throws Exception {
    Section staging = runbook.section("deployment_staging").orElseThrow();

    assertOk(run(staging, Phase.DEPLOY, "{\"release\":\"1.4.0\",\"environment\":\"staging\"}"));
    assertOk(run(staging, Phase.VERIFY, "{\"release\":\"1.4.0\"}"));
    assertEquals("hello from 1.4.0\n", get("/"));
    assertEquals("{\"status\":\"ok\",\"release\":\"1.4.0\"}\n", get("/health"));

    String broken = "{\"release\":\"1.4.1-rc1\",\"break_health_check\":true}";
    assertOk(run(staging, Phase.DEPLOY, broken));
    assertEquals("hello from 1.4.1-rc1\n", get("/"));
    StepResult verify = run(staging, Phase.VERIFY, broken);
    assertEquals(1, verify.exitCode());
    assertTrue(
        verify.lastLine().startsWith("unhealthy: http://127.0.0.1:" + port + "/health 500 "),
        verify.lastLine());
    assertOk(run(staging, Phase.DEPLOY, broken)); // a second attempt keeps 1.4.0 as previous

    StepResult rollback = run(staging, Phase.ROLLBACK, broken);
    assertOk(rollback);
    assertEquals("staging: rolled back from 1.4.1-rc1 to 1.4.0", rollback.lastLine());
    assertEquals("hello from 1.4.0\n", get("/"));
    Path env = state.resolve("environments/staging");
    assertEquals(Path.of("releases/1.4.0"), Files.readSymbolicLink(env.resolve("current")));

    Section rollbackTask = runbook.section("deployment_rollback").orElseThrow();
    StepResult nothing = run(rollbackTask, Phase.DEPLOY, "{\"environment\":\"staging\"}");
    assertOk(nothing);
    assertEquals(
        "staging: nothing to roll back to (no previous release; current: 1.4.0); left it as it is",
        nothing.lastLine());

    Section monitoring = runbook.section("monitoring_setup").orElseThrow();
    assertOk(run(monitoring, Phase.DEPLOY, "{\"endpoint\":\"/health\"}"));
    assertEquals(
        "staging ok 1.4.0 http://127.0.0.1:" + port + "/health\n",
        Files.readString(state.resolve("environments/monitoring/status.txt")));
  }

  @Test
  void deploymentRollback_refusesAnUnknownEnvironment() throws Exception {
    StepResult r =
        run(
            runbook.section("deployment_rollback").orElseThrow(),
            Phase.DEPLOY,
            "{\"environment\":\"../x\"}");

    assertEquals(1, r.exitCode());
    assertEquals(
        "unknown environment '../x'; this runbook deploys to staging or production", r.lastLine());
  }

  @Test
  void monitoring_withNothingDeployed_succeedsAndSaysSo() throws Exception {
    Section monitoring = runbook.section("monitoring_setup").orElseThrow();

    StepResult r = run(monitoring, Phase.DEPLOY, "{}");

    assertOk(r);
    assertTrue(
        r.lastLine().startsWith("monitoring: no environment is deployed yet;"), r.lastLine());
    assertOk(run(monitoring, Phase.VERIFY, "{}"));
  }

  @Test
  void infrastructureUpdate_plansAppliesVerifiesAndRollsBack() throws Exception {
    Section infra = runbook.section("infrastructure_update").orElseThrow();
    String payload = "{\"setting\":\"heap\",\"value\":\"64m\"}";
    Path file = state.resolve("environments/shared/config/heap");

    StepResult plan = run(infra, Phase.PRE, payload);
    assertEquals("plan: shared heap: (unset) -> 64m", plan.lastLine());
    assertOk(run(infra, Phase.DEPLOY, payload));
    assertOk(run(infra, Phase.VERIFY, payload));
    assertEquals("64m\n", Files.readString(file));
    assertOk(run(infra, Phase.ROLLBACK, payload));
    assertFalse(Files.exists(file));

    StepResult hostile = run(infra, Phase.PRE, "{\"setting\":\"../../etc/x\",\"value\":\"1\"}");
    assertEquals(1, hostile.exitCode());
    assertEquals(
        "setting '../../etc/x' is not a valid name; use lower-case letters, digits and _",
        hostile.lastLine());
  }

  /** Runs every step of one phase as the worker would; stops at the first failing step. */
  private StepResult run(Section section, Phase phase, String payloadJson) throws Exception {
    JsonNode payload = Json.parse(payloadJson);
    Map<String, String> extra = new HashMap<>();
    extra.put("DEVOPS_STATE_DIR", state.toString());
    extra.put("RUNBOOK_DIR", SHIPPED.toAbsolutePath().getParent().toString());
    extra.put("GREETER_STAGING_PORT", Integer.toString(port));
    extra.put("GREETER_PRODUCTION_PORT", Integer.toString(port));
    extra.put("HEALTH_TIMEOUT_SECONDS", "2");
    extra.put("JAVA", ProcessHandle.current().info().command().orElse("java"));
    Path log = state.resolve("logs/" + section.name() + "/attempt-" + ++attempt + ".log");
    extra.put("TASK_LOG", log.toString());
    Map<String, String> env =
        TaskEnvironment.of("TASK-X", section.name(), 1, payload, section.settings(), extra);
    StepResult last = null;
    for (Step step : section.steps(phase)) {
      last = runner.run(step, section.settings(), env, log, new StopSignal());
      if (!last.ok()) {
        break;
      }
    }
    return last;
  }

  private void assertOk(StepResult r) {
    assertTrue(r.ok(), () -> r + "\n" + logs());
  }

  private String logs() {
    try (var files = Files.walk(state.resolve("logs"))) {
      StringBuilder all = new StringBuilder();
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        all.append(Files.readString(f));
      }
      return all.toString();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
