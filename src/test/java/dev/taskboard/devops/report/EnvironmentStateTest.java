package dev.taskboard.devops.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.report.Deployment.Rollback;
import dev.taskboard.devops.report.EnvironmentFigures.Health;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each environment serves now: a failure whose rollback worked is "rolled back, healthy", one
 * that nothing restored is "down" — in the figures, the text, the JSON and the page.
 */
class EnvironmentStateTest {
  @TempDir Path dir;

  /** staging: rolled back after a failure; production: its rollback failed; canary: none. */
  private Fixture threeEndings() {
    return new Fixture(dir)
        .task("S1", "deployment_staging", "2026-11-02T00:00:00Z", null)
        .task("S2", "deployment_staging", "2026-11-03T00:00:00Z", null)
        .task("P1", "deployment_production", "2026-11-02T00:00:00Z", null)
        .task("P2", "deployment_production", "2026-11-03T00:00:00Z", null)
        .task("C1", "deployment_canary", "2026-11-02T00:00:00Z", null)
        .task("C2", "deployment_canary", "2026-11-03T00:00:00Z", null)
        .deployed("S1", "2026-11-02T10:00:00Z")
        .deployed("P1", "2026-11-02T11:00:00Z")
        .deployed("C1", "2026-11-02T12:00:00Z")
        .failed("S2", "2026-11-03T10:00:00Z", Rollback.SUCCEEDED)
        .failed("P2", "2026-11-03T11:00:00Z", Rollback.FAILED)
        .failed("C2", "2026-11-03T12:00:00Z", Rollback.NONE);
  }

  @Test
  void state_rollbackThatWorkedIsRolledBackHealthy_failedOrMissingRollbackIsDown()
      throws IOException {
    DeploymentReport report = threeEndings().write().report();

    assertEquals(Health.ROLLED_BACK, state(report, "staging").health());
    assertEquals(
        Optional.of(Instant.parse("2026-11-03T10:00:00Z")), state(report, "staging").since());
    assertEquals("S2 failed and was rolled back", state(report, "staging").cause());
    assertEquals(Health.DOWN, state(report, "production").health());
    assertEquals("P2 failed and its rollback failed too", state(report, "production").cause());
    assertEquals(Health.DOWN, state(report, "canary").health());
    assertEquals("C2 failed and nothing rolled it back", state(report, "canary").cause());
    assertEquals(Rollback.FAILED, find(report, "P2").rollback());
    assertTrue(find(report, "P2").rollbackPerformed(), "as the worker writes it");
    assertEquals("rollback failed", find(report, "P2").outcomeLabel());
  }

  @Test
  void text_showsEachEnvironmentsStateAndNeverCallsARolledBackOneFailing() throws IOException {
    String text = ReportFormat.TEXT.render(threeEndings().write().report());

    assertTrue(
        text.contains(
            """
            environment  now                   since (UTC)       last outcome
            canary       down                  2026-11-03 12:00  C2 failed and nothing rolled it back
            production   down                  2026-11-03 11:00  P2 failed and its rollback failed too
            staging      rolled back, healthy  2026-11-03 10:00  S2 failed and was rolled back
            """),
        text);
    assertFalse(text.contains("staging has been failing"), text);
    assertTrue(text.contains("P2    production   1.4.0    failed    rollback failed"), text);
  }

  @Test
  void json_addsTheStateAndEachDeploymentsRollback() throws IOException {
    JsonNode json = Json.parse(ReportFormat.JSON.render(threeEndings().write().report()));

    assertEquals(
        Json.parse(
            """
            {"health": "rolled_back", "since": "2026-11-03T10:00:00Z", "task": "S2",
             "cause": "S2 failed and was rolled back"}
            """),
        json.path("environments").get(2).path("state"));
    assertEquals("down", json.path("environments").get(1).path("state").path("health").asText());
    JsonNode p2 = json.path("deployments").get(4);
    assertEquals("P2", p2.path("task").asText());
    assertEquals("failed", p2.path("rollback").asText());
    assertEquals("rolled_back", p2.path("outcome").asText(), "its meaning is unchanged");
    assertTrue(p2.path("rollback_performed").asBoolean(), "its meaning is unchanged");
    assertEquals(
        "2026-11-03T10:00:00Z",
        json.path("environments").get(2).path("failing_since").asText(),
        "failing_since still means: no successful deployment since");
  }

  @Test
  void html_alertsOnlyForDownEnvironmentsAndBadgesEach() throws IOException {
    String html = ReportFormat.HTML.render(threeEndings().write().report());

    assertTrue(
        html.contains(
            "<p class=\"alert\"><strong>production</strong> is down since 2026-11-03 11:00 UTC:"
                + " P2 failed and its rollback failed too.</p>"),
        html);
    assertTrue(html.contains("<p class=\"alert\"><strong>canary</strong> is down"), html);
    assertFalse(html.contains("<p class=\"alert\"><strong>staging"), html);
    assertFalse(html.contains("failing now"), html);
    assertTrue(
        html.contains(
            "<h3>staging<span class=\"state rolled_back\">rolled back, healthy</span></h3>"),
        html);
    assertTrue(html.contains("<span class=\"state down\">down</span>"), html);
  }

  @Test
  void state_aSuccessfulRollbackTaskRestoresADownEnvironment() throws IOException {
    DeploymentReport report =
        new Fixture(dir)
            .task("P1", "deployment_production", "2026-11-02T00:00:00Z", null)
            .task("R1", "deployment_rollback", "2026-11-02T00:00:00Z", "production")
            .failed("P1", "2026-11-02T10:00:00Z", Rollback.NONE)
            .deployedSaying("R1", "2026-11-02T11:00:00Z", "Finished deployment_rollback")
            .write()
            .report();

    EnvironmentFigures.State production = state(report, "production");
    assertEquals(Health.ROLLED_BACK, production.health());
    assertEquals(Optional.of(Instant.parse("2026-11-02T11:00:00Z")), production.since());
    assertEquals("R1 rolled it back", production.cause());
  }

  @Test
  void state_aDeploymentHeldBeforeDeployingChangesNothing() throws IOException {
    DeploymentReport report =
        new Fixture(dir)
            .task("S1", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .task("S2", "deployment_staging", "2026-11-03T00:00:00Z", null)
            .task("S3", "deployment_staging", "2026-11-03T00:00:00Z", null)
            .failed("S1", "2026-11-02T10:00:00Z", Rollback.FAILED)
            .blocked("S2", "2026-11-03T10:00:00Z")
            .preCheckFailed("S3", "2026-11-03T11:00:00Z")
            .write()
            .report();

    assertEquals(Health.DOWN, state(report, "staging").health());
    assertEquals("S1 failed and its rollback failed too", state(report, "staging").cause());
  }

  @Test
  void state_comesFromTheWholeJournalNotOnlyTheWindow() throws IOException {
    DeploymentReport report =
        new Fixture(dir)
            .task("S1", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .task("S2", "deployment_staging", "2026-11-05T00:00:00Z", null)
            .failed("S1", "2026-11-02T10:00:00Z", Rollback.NONE)
            .blocked("S2", "2026-11-05T10:00:00Z")
            .write()
            .report(Optional.of(Instant.parse("2026-11-05T00:00:00Z")));

    EnvironmentFigures staging = report.environments().get(0);
    assertEquals(0, staging.deployments(), "nothing deployed in the window");
    assertEquals(Health.DOWN, staging.state().health(), "but S1 left it down before it");
    assertEquals(Optional.of(Instant.parse("2026-11-02T10:00:00Z")), staging.state().since());
  }

  @Test
  void state_withoutAnyDeploymentIsUnknown() throws IOException {
    DeploymentReport report =
        new Fixture(dir)
            .task("S1", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .blocked("S1", "2026-11-02T10:00:00Z")
            .write()
            .report();

    assertEquals(Health.UNKNOWN, state(report, "staging").health());
    assertEquals(Optional.empty(), state(report, "staging").since());
    assertTrue(ReportFormat.TEXT.render(report).contains("staging      nothing deployed  -"));
  }

  @Test
  void rollbackOf_readsOnlyTheWorkersClosingSentence() throws IOException {
    DeploymentReport report =
        new Fixture(dir)
            .task("S1", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .claim("S1", "2026-11-02T10:00:00Z")
            .deployStep("S1", "2026-11-02T10:00:00Z")
            .outcomeEvent(
                "S1",
                "2026-11-02T10:00:00Z",
                "failed",
                java.util.Map.of(
                    "status",
                    "failed",
                    "result",
                    java.util.Map.of(
                        "message",
                        // The step's last output may say anything; only the worker's ending counts.
                        "Failed after 1 attempt: deploy#1 exited 1 (last output: the rollback"
                            + " failed too, so the environment may be in an unknown state.);"
                            + " rolled back.",
                        "deployment_info",
                        java.util.Map.of("rollback_performed", true))))
            .write()
            .report();

    assertEquals(Rollback.SUCCEEDED, find(report, "S1").rollback());
    assertEquals(Health.ROLLED_BACK, state(report, "staging").health());
  }

  private static EnvironmentFigures.State state(DeploymentReport report, String environment) {
    return report.environments().stream()
        .filter(e -> e.environment().equals(environment))
        .findFirst()
        .orElseThrow()
        .state();
  }

  private static Deployment find(DeploymentReport report, String task) {
    return report.deployments().stream()
        .filter(d -> d.task().equals(task))
        .reduce((a, b) -> b)
        .orElseThrow();
  }
}
