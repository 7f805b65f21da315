package dev.taskboard.devops.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ## gates} section of deployment.md. */
class GateSettingsTest {
  @TempDir Path dir;

  private static final String STEP = "## deployment_staging\n\n### deploy\n\n```sh\ntrue\n```\n";

  @Test
  void gatesSection_setsChecksThresholdsLimitsAndTimeout() throws IOException {
    GateSettings g =
        load("# R\n\n## gates\n\nThresholds for the quality gates.\n\n```settings\n"
                + "staging: unit_tests, code_review   # only these two\n"
                + "regression_tests.min_pass_rate: 97.5\n"
                + "performance.max.p95_ms: 300\n"
                + "approval.timeout: 2h\n```\n\n"
                + STEP)
            .gates();
    assertEquals(List.of("unit_tests", "code_review"), g.checks("staging"));
    assertEquals(GateSettings.PRODUCTION, g.checks("production"));
    assertEquals(97.5, g.minPassRate("regression_tests"));
    assertEquals(Map.of("p95_ms", 300.0), g.performanceMax());
    assertEquals(Duration.ofHours(2), g.approvalTimeout());
  }

  @Test
  void noGatesSection_givesTheDefaults() throws IOException {
    assertEquals(GateSettings.STAGING, load("# R\n\n" + STEP).gates().checks("staging"));
  }

  @Test
  void badGateSettings_sayWhatToWrite() {
    assertEquals(
        error("approvals.timeout: 2h"),
        file() + ":6:1: unknown gate setting 'approvals.timeout'; use one of " + GateSettings.KEYS);
    assertEquals(
        error("staging: unit_tests, lint"),
        file()
            + ":6:10: unknown check 'lint'; known checks: unit_tests, smoke_tests, sanity_tests, code_review,"
            + " security_basic, staging_deployed, regression_tests, performance, security_validation,"
            + " monitoring, rollback_plan, stakeholder_approval");
    assertEquals(
        error("unit_tests.min_pass_rate: 120"),
        file() + ":6:27: a pass rate is a percentage from 0 to 100, got 120");
  }

  @Test
  void stepUnderGates_isRefused() {
    RunbookException e =
        assertThrows(
            RunbookException.class,
            () -> load("# R\n\n## gates\n\n```sh\necho hi\n```\n\n" + STEP));
    assertEquals(
        file() + ":5:4: ## gates holds settings only; move this block into a task section",
        e.getMessage());
  }

  private String error(String line) {
    return assertThrows(
            RunbookException.class,
            () -> load("# R\n\n## gates\n\n```settings\n" + line + "\n```\n\n" + STEP))
        .getMessage();
  }

  private Path file() {
    return dir.resolve("deployment.md");
  }

  private Runbook load(String text) throws IOException {
    Files.writeString(file(), text);
    return Runbook.load(file());
  }
}
