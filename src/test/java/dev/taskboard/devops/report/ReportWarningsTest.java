package dev.taskboard.devops.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskboard.devops.report.Deployment.Rollback;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every outcome the report leaves out or reads only in part is a warning naming where it is, what
 * is wrong and what to do; nothing is dropped silently.
 */
class ReportWarningsTest {
  @TempDir Path dir;

  @Test
  void createdAtNotATime_leavesTheLeadTimeUnknownWithAWarningNamingTaskAndValue()
      throws IOException {
    Fixture f =
        new Fixture(dir)
            .deployed("A", "2026-11-02T03:00:00Z")
            .deployed("B", "2026-11-02T03:00:00Z")
            .write();
    board(
        f,
        """
        [
          {"id": "A", "type": "deployment_staging", "created_at": "02/11/2026 01:00"},
          {"id": "B", "type": "deployment_staging", "created_at": "2026-11-02T01:00:00Z"}
        ]
        """);

    DeploymentReport report = f.report();

    assertEquals(
        List.of(
            f.board
                + ":2:3: A: created_at \"02/11/2026 01:00\" is not a time, so its lead time is"
                + " unknown; write it like 2026-11-01T10:00:00Z"),
        report.warnings());
    assertEquals(List.of("A:success", "B:success"), Fixture.ids(report.deployments()));
    assertEquals(1, report.environments().get(0).leadTime().count(), "B's");
  }

  @Test
  void createdAtMissingOrAfterTheDeployment_isAWarningOncePerTask() throws IOException {
    Fixture f =
        new Fixture(dir)
            .deployed("A", "2026-11-02T03:00:00Z")
            .deployed("B", "2026-11-02T03:00:00Z")
            .deployed("B", "2026-11-03T03:00:00Z") // deployed again: the same problem, once
            .deployed("C", "2026-11-02T03:00:00Z")
            .write();
    board(
        f,
        """
        [
          {"id": "A", "type": "deployment_staging"},
          {"id": "B", "type": "deployment_staging", "created_at": "2026-11-04T00:00:00Z"},
          {"id": "C", "type": "deployment_staging", "created_at": 20261101}
        ]
        """);

    List<String> warnings = f.report().warnings();

    assertEquals(
        List.of(
            f.board
                + ":2:3: A: no created_at, so its lead time is unknown; write it like"
                + " 2026-11-01T10:00:00Z",
            f.board
                + ":3:3: B: created_at 2026-11-04T00:00:00Z is after its deployment at"
                + " 2026-11-02T03:00:00Z, so its lead time is unknown; write it like"
                + " 2026-11-01T10:00:00Z",
            f.board
                + ":4:3: C: created_at 20261101 is not a time, so its lead time is unknown;"
                + " write it like 2026-11-01T10:00:00Z"),
        warnings);
  }

  @Test
  void createdAtBeforeTheWindow_isNoWarning_itsOutcomeIsNotInTheFigures() throws IOException {
    Fixture f = new Fixture(dir).deployed("A", "2026-10-02T03:00:00Z").write();
    board(f, "[{\"id\": \"A\", \"type\": \"deployment_staging\", \"created_at\": \"soon\"}]");

    assertEquals(
        List.of(), f.report(Optional.of(Instant.parse("2026-11-01T00:00:00Z"))).warnings());
  }

  @Test
  void boardEntryWithoutType_environmentOrReleaseNotAName_rollbackWithoutEnvironment()
      throws IOException {
    Fixture f =
        new Fixture(dir)
            .deployed("A", "2026-11-02T03:00:00Z")
            .deployed("B", "2026-11-02T04:00:00Z")
            .deployed("C", "2026-11-02T05:00:00Z")
            .deployed("D", "2026-11-02T06:00:00Z")
            .deployed("E", "2026-11-02T07:00:00Z")
            .write();
    board(
        f,
        """
        [
          {"id": "A", "created_at": "2026-11-02T00:00:00Z"},
          {"id": "B", "type": "deployment_staging", "created_at": "2026-11-02T00:00:00Z",
           "payload": {"environment": ["eu", "us"]}},
          {"id": "C", "type": "deployment_staging", "created_at": "2026-11-02T00:00:00Z",
           "payload": {"release": {"version": "1.0"}}},
          {"id": "D", "type": "deployment_rollback", "created_at": "2026-11-02T00:00:00Z"},
          {"id": "E", "type": "infrastructure_update", "created_at": "2026-11-02T00:00:00Z"}
        ]
        """);

    DeploymentReport report = f.report();

    assertEquals(
        List.of(
            f.board + ":2:3: A: an outcome in the journal, but no type on the board; left out",
            f.board
                + ":3:3: B: payload.environment [\"eu\",\"us\"] is not a name, so it counts"
                + " under staging; write the environment's name there",
            f.board + ":5:3: C: payload.release is not a string; shown without a release",
            f.board
                + ":7:3: D: a deployment_rollback task without payload.environment: its"
                + " environment is unknown and its outcome changes no environment's health;"
                + " name the environment there"),
        report.warnings(),
        "E is not a deployment task: left out without a warning");
    assertEquals(List.of("B:success", "C:success", "D:success"), Fixture.ids(report.deployments()));
  }

  @Test
  void outcomeTheWorkerWouldNotWrite_isReadAsFarAsItGoesWithAWarning() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("A", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .task("B", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .outcomeEvent("A", "2026-11-02T03:00:00Z", "shipped", Map.of("status", "shipped"))
            .claim("B", "2026-11-02T04:00:00Z")
            .deployStep("B", "2026-11-02T04:00:00Z")
            .outcomeEvent(
                "B", "2026-11-02T04:00:00Z", "failed", Map.of("status", "failed", "result", "?"))
            .write();

    DeploymentReport report = f.report();

    assertEquals(
        List.of(
            f.journal
                + ": A's outcome of 2026-11-02T03:00:00Z has status 'shipped', which the worker"
                + " does not write; listed as not deployed",
            f.journal
                + ": B's outcome of 2026-11-02T04:00:00Z has no"
                + " result.deployment_info.rollback_performed; taken as failed without a"
                + " rollback"),
        report.warnings());
    assertEquals(List.of("A:not_deployed", "B:failed"), Fixture.ids(report.deployments()));
  }

  @Test
  void taskTooLargeToRead_isAWarningThatSaysSo_notThatItIsGone() throws IOException {
    Fixture f = new Fixture(dir).failed("BIG", "2026-11-02T03:00:00Z", Rollback.NONE).write();
    // One entry over the 16 MB the board reader materializes.
    board(
        f,
        "[{\"id\": \"BIG\", \"type\": \"deployment_staging\", \"payload\": {\"log\": \""
            + "x".repeat(17 * 1024 * 1024)
            + "\"}}]");

    List<String> warnings = f.report().warnings();

    assertEquals(1, warnings.size(), warnings.toString());
    String w = warnings.get(0);
    assertEquals(
        "BIG: an outcome in the journal, but its board entry is refused (",
        w.substring(0, w.indexOf('(') + 1));
    assertEquals(
        "entries over 16 MB are refused to keep memory bounded, shorten it); left out",
        w.substring(w.indexOf("entries over")));
  }

  @Test
  void agentWrittenIdsInWarnings_loseTheirEscapeSequences() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("T-1", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .deployed("\u001b[2JGONE", "2026-11-02T03:00:00Z")
            .write();

    assertEquals(
        List.of(
            "?[2JGONE: an outcome in the journal, but the task is no longer on the board; left out"),
        f.report().warnings());
  }

  private static void board(Fixture f, String text) throws IOException {
    Files.writeString(f.board, text);
  }
}
