package dev.taskboard.devops.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.runbook.GateSettings;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.Section;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every check ends pass, fail or inconclusive on the evidence convention. */
class GatesTest {
  @TempDir Path dir;
  private Section staging;
  private Section production;
  private Gates gates;

  @BeforeEach
  void runbook() throws IOException {
    Path md = dir.resolve("deployment.md");
    Files.writeString(
        md,
        "# R\n\n## gates\n\n```settings\nperformance.max.p95_ms: 250\nregression_tests.min_pass_rate: 95\n```\n\n"
            + "## deployment_staging\n\n### deploy\n\n```sh\ntrue\n```\n\n### rollback\n\n```sh\ntrue\n```\n\n"
            + "## deployment_production\n\n### deploy\n\n```sh\ntrue\n```\n");
    Runbook r = Runbook.load(md);
    staging = r.section("deployment_staging").orElseThrow();
    production = r.section("deployment_production").orElseThrow();
    gates = new Gates(r.gates(), dir);
  }

  @Test
  void stagingGate_passesOnRelatedTesterAndReviewerResults() {
    Task task =
        task(
            "T-1",
            "deployment_staging",
            "pending",
            "{\"release\": \"2.0\", \"gates\": {\"security_basic\": \"pass\"}}",
            null);
    List<Task> board =
        List.of(
            task,
            task(
                "T-2",
                "test_execution",
                "done",
                "{\"release\": \"2.0\"}",
                "{\"test_results\": {\"suites\": {\"unit\": {\"total_tests\": 10, \"passed_tests\": 10, \"failed_tests\": 0},"
                    + " \"smoke\": {\"passed\": 3, \"failed\": 0}, \"sanity\": {\"total\": 2, \"passed\": 2}}}}"),
            reviewer("T-3", "done", "2.0", "approved"));

    GateReport report = gates.evaluate("staging", task, board, staging, Decisions.none());

    assertEquals(
        Map.of(
            "unit_tests", Verdict.PASS,
            "smoke_tests", Verdict.PASS,
            "sanity_tests", Verdict.PASS,
            "code_review", Verdict.PASS,
            "security_basic", Verdict.PASS),
        verdicts(report));
    assertEquals(
        "result.test_results of T-2: 10 of 10 passed (needs 100%)", evidence(report, "unit_tests"));
  }

  @Test
  void failingEvidence_failsWithTheNumbers() {
    Task task =
        task(
            "T-1",
            "deployment_staging",
            "pending",
            "{\"gates\": {\"unit_tests\": {\"total_tests\": 50, \"passed_tests\": 49, \"failed_tests\": 1},"
                + " \"smoke_tests\": false, \"sanity_tests\": \"failed: checkout broken\", \"code_review\": \"changes_requested\", \"security_basic\": 99.5}}",
            null);

    GateReport report = gates.evaluate("staging", task, List.of(task), staging, Decisions.none());

    assertEquals(Verdict.FAIL, verdicts(report).get("unit_tests"));
    assertEquals(
        "payload.gates.unit_tests of T-1: 49 of 50 passed (needs 100%)",
        evidence(report, "unit_tests"));
    assertEquals("payload.gates.smoke_tests of T-1 says false", evidence(report, "smoke_tests"));
    assertEquals(Verdict.FAIL, verdicts(report).get("sanity_tests"));
    assertEquals(Verdict.FAIL, verdicts(report).get("code_review"));
    assertEquals(
        Verdict.FAIL,
        verdicts(report).get("security_basic"),
        "a rate under 100% for a non-suite check");
  }

  @Test
  void missingOrUnreadableEvidence_isInconclusive() throws IOException {
    Files.writeString(dir.resolve("broken.json"), "{not json");
    Task task =
        task(
            "T-1",
            "deployment_staging",
            "pending",
            "{\"release\": \"3.0\", \"gates\": {\"smoke_tests\": {\"file\": \"broken.json\"}, \"sanity_tests\": {\"file\": \"../../etc/passwd\"}, \"security_basic\": \"maybe\"}}",
            null);
    List<Task> board = List.of(task, reviewer("T-9", "in_progress", "3.0", ""));

    GateReport report = gates.evaluate("staging", task, board, staging, Decisions.none());

    assertEquals(
        Map.of(
            "unit_tests", Verdict.INCONCLUSIVE,
            "smoke_tests", Verdict.INCONCLUSIVE,
            "sanity_tests", Verdict.INCONCLUSIVE,
            "code_review", Verdict.INCONCLUSIVE,
            "security_basic", Verdict.INCONCLUSIVE),
        verdicts(report));
    assertEquals(
        "no evidence: no related Tester result for the unit suite and no payload.gates.unit_tests",
        evidence(report, "unit_tests"));
    assertEquals(
        "evidence file ../../etc/passwd is outside the project directory",
        evidence(report, "sanity_tests"));
    assertEquals("review T-9 is still in_progress", evidence(report, "code_review"));
  }

  @Test
  void evidenceFile_isReadRelativeToTheProject() throws IOException {
    Files.createDirectories(dir.resolve("evidence"));
    Files.writeString(
        dir.resolve("evidence/unit.json"),
        "{\"test_results\": {\"total_tests\": 4, \"passed_tests\": 4, \"failed_tests\": 0}}");
    Task task =
        task(
            "T-1",
            "deployment_staging",
            "pending",
            "{\"gates\": {\"unit_tests\": {\"file\": \"evidence/unit.json\"}}}",
            null);

    GateReport report = gates.evaluate("staging", task, List.of(task), staging, Decisions.none());

    assertEquals(Verdict.PASS, verdicts(report).get("unit_tests"));
  }

  @Test
  void evidenceFileThatIsALinkAFifoOrTooLarge_isInconclusiveWithoutReadingIt() throws Exception {
    Path outside = Files.createTempFile("secret", ".json");
    Files.writeString(outside, "{\"total_tests\": 1, \"passed_tests\": 1}");
    Files.createDirectories(dir.resolve("evidence"));
    Files.createSymbolicLink(dir.resolve("evidence/link.json"), outside);
    Files.createSymbolicLink(dir.resolve("linked-dir"), outside.getParent());
    Process mkfifo =
        new ProcessBuilder("mkfifo", dir.resolve("evidence/fifo.json").toString()).start();
    assertEquals(0, mkfifo.waitFor());
    Files.write(dir.resolve("evidence/big.json"), new byte[(int) Gates.MAX_EVIDENCE_BYTES + 1]);
    Task task =
        task(
            "T-1",
            "deployment_staging",
            "pending",
            "{\"gates\": {\"unit_tests\": {\"file\": \"evidence/link.json\"},"
                + " \"smoke_tests\": {\"file\": \"evidence/fifo.json\"},"
                + " \"sanity_tests\": {\"file\": \"evidence/big.json\"},"
                + " \"code_review\": {\"file\": \"linked-dir/"
                + outside.getFileName()
                + "\"}}}",
            null);

    GateReport report = gates.evaluate("staging", task, List.of(task), staging, Decisions.none());

    Map<String, Verdict> verdicts = verdicts(report);
    assertEquals(Verdict.INCONCLUSIVE, verdicts.get("unit_tests"), evidence(report, "unit_tests"));
    assertTrue(
        evidence(report, "unit_tests").contains("symbolic link"), evidence(report, "unit_tests"));
    assertEquals(Verdict.INCONCLUSIVE, verdicts.get("smoke_tests"));
    assertTrue(evidence(report, "smoke_tests").contains("FIFO"), evidence(report, "smoke_tests"));
    assertEquals(Verdict.INCONCLUSIVE, verdicts.get("sanity_tests"));
    assertEquals(Verdict.INCONCLUSIVE, verdicts.get("code_review"));
    assertTrue(
        evidence(report, "code_review").contains("outside the project"),
        evidence(report, "code_review"));
  }

  @Test
  void productionGate_checksStagingRegressionPerformanceRollbackAndApproval() {
    Task task =
        task(
            "P-1",
            "deployment_production",
            "pending",
            "{\"release\": \"2.0\", \"gates\": {\"performance\": {\"p95_ms\": 180}, \"security_validation\": \"complete\"}}",
            null);
    List<Task> board =
        new ArrayList<>(
            List.of(
                task,
                task("S-1", "deployment_staging", "deployed", "{\"release\": \"2.0\"}", null),
                task(
                    "R-1",
                    "test_execution",
                    "done",
                    "{\"release\": \"2.0\", \"suite\": \"regression\"}",
                    "{\"test_results\": {\"total_tests\": 100, \"passed_tests\": 96, \"failed_tests\": 4}}"),
                task("M-1", "monitoring_setup", "done", "{}", null)));

    GateReport pending = gates.evaluate("production", task, board, production, Decisions.none());
    assertEquals(Verdict.PASS, verdicts(pending).get("staging_deployed"));
    assertEquals(Verdict.PASS, verdicts(pending).get("regression_tests"), "96% ≥ 95%");
    assertEquals(
        "payload.gates.performance of P-1: within limits: p95_ms 180 (max 250)",
        evidence(pending, "performance"));
    assertEquals(Verdict.PASS, verdicts(pending).get("monitoring"));
    assertEquals(
        Verdict.FAIL, verdicts(pending).get("rollback_plan"), "production section has no rollback");
    assertEquals(Verdict.INCONCLUSIVE, verdicts(pending).get("stakeholder_approval"));

    GateReport approved =
        gates.evaluate(
            "production", task, board, staging, new Decisions(Optional.of("HITL-007"), Map.of()));
    assertEquals("approved by a human in HITL-007", evidence(approved, "stakeholder_approval"));
    assertEquals(Verdict.PASS, verdicts(approved).get("rollback_plan"));
  }

  @Test
  void stagingFailedForTheRelease_failsProduction_andSlowRelease_failsPerformance() {
    Task task =
        task(
            "P-1",
            "deployment_production",
            "pending",
            "{\"release\": \"2.1\", \"gates\": {\"performance\": {\"p95_ms\": 400}}}",
            null);
    List<Task> board =
        List.of(task, task("S-2", "deployment_staging", "failed", "{\"release\": \"2.1\"}", null));

    GateReport report = gates.evaluate("production", task, board, production, Decisions.none());

    assertEquals(
        "the staging deployment of release 2.1 failed (S-2)", evidence(report, "staging_deployed"));
    assertEquals(
        "payload.gates.performance of P-1: over the limit: p95_ms 400 (max 250)",
        evidence(report, "performance"));
    assertEquals(Verdict.FAIL, verdicts(report).get("performance"));
  }

  @Test
  void waivedCheck_passesNamingTheHumansEntry() {
    Task task = task("T-1", "deployment_staging", "pending", "{}", null);
    GateReport report =
        gates.evaluate(
            "staging",
            task,
            List.of(task),
            staging,
            new Decisions(Optional.empty(), Map.of("smoke_tests", "HITL-003")));
    assertEquals("waived by a human in HITL-003", evidence(report, "smoke_tests"));
  }

  @Test
  void relatedTasks_followReleaseThenStoryThenSprintPlusNamedEvidence() {
    Task byRelease =
        task(
            "D-1",
            "deployment_staging",
            "pending",
            "{\"release\": \"1\", \"evidence_tasks\": [\"X-9\"]}",
            null);
    Task sameRelease = task("A", "test_execution", "done", "{\"release\": \"1\"}", null);
    Task otherRelease = task("B", "test_execution", "done", "{\"release\": \"2\"}", null);
    Task named = task("X-9", "security_scan", "done", "{}", null);
    assertEquals(
        List.of(sameRelease, named),
        Gates.related(byRelease, List.of(byRelease, sameRelease, otherRelease, named)));
  }

  @Test
  void gatesSettings_defaultToTheRolesNumbers() {
    GateSettings d = GateSettings.defaults();
    assertEquals(100.0, d.minPassRate("unit_tests"));
    assertEquals(95.0, d.minPassRate("regression_tests"));
    assertEquals(72, d.approvalTimeout().toHours());
    assertEquals(GateSettings.PRODUCTION, d.checks("production"));
  }

  private static Map<String, Verdict> verdicts(GateReport report) {
    Map<String, Verdict> out = new java.util.LinkedHashMap<>();
    report.checks().forEach(c -> out.put(c.name(), c.verdict()));
    return out;
  }

  private static String evidence(GateReport report, String check) {
    return report.checks().stream()
        .filter(c -> c.name().equals(check))
        .findFirst()
        .orElseThrow()
        .evidence();
  }

  private static Task reviewer(String id, String status, String release, String review) {
    return task(
        id,
        "code_review",
        status,
        "{\"release\": \"" + release + "\"}",
        review.isEmpty() ? null : "{\"review\": \"" + review + "\"}",
        "Code-Reviewer");
  }

  private static Task task(String id, String type, String status, String payload, String result) {
    return task(
        id,
        type,
        status,
        payload,
        result,
        type.startsWith("deployment") || type.startsWith("monitoring")
            ? "DevOps-Engineer"
            : "Tester");
  }

  private static int index;

  private static Task task(
      String id, String type, String status, String payload, String result, String agent) {
    try {
      JsonNode json =
          Json.parse(
              "{\"id\": \""
                  + id
                  + "\", \"type\": \""
                  + type
                  + "\", \"status\": \""
                  + status
                  + "\", \"agent\": \""
                  + agent
                  + "\", \"payload\": "
                  + payload
                  + (result == null ? "" : ", \"result\": " + result)
                  + "}");
      return new Task(id, index++, 1, 1, json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
