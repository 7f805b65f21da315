package dev.taskboard.devops.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the worker does with a task whose data cannot reach its steps, and with a rollback that
 * cannot start: real runbook, real processes.
 */
class PayloadEnvironmentTest {
  @TempDir Path dir;

  @Test
  void payloadTooLargeForTheKernel_failsTheTaskWithNothingRun_andNoRollbackClaimed()
      throws Exception {
    WorkerFixture f =
        fixture("{\"release\": \"1.0.0\", \"notes\": \"" + "n".repeat(200_000) + "\"}");

    runOnce(f);

    JsonNode result = f.task("TASK-001").path("result");
    assertEquals("failed", f.status("TASK-001"));
    assertFalse(result.path("deployment_info").path("rollback_performed").asBoolean(true));
    String message = result.path("message").asText();
    assertTrue(message.startsWith("TASK_PAYLOAD "), message);
    assertTrue(message.contains("nothing ran"), message);
    assertEquals(0, f.lines("deploys"));
    assertEquals(0, f.lines("rollbacks"));
  }

  @Test
  void payloadKeysMappingToOneVariable_blockTheTaskBeforeAnyStep() throws Exception {
    WorkerFixture f = fixture("{\"release\": \"1.0.0\", \"RELEASE\": \"6.6.6\"}");

    runOnce(f);

    assertEquals("blocked", f.status("TASK-001"));
    assertEquals(
        "Blocked: payload keys release and RELEASE both map to TASK_PAYLOAD_RELEASE; rename one,"
            + " then set the task back to pending.",
        f.task("TASK-001").path("result").path("message").asText());
    assertEquals(0, f.lines("deploys"));
  }

  @Test
  void stepsGetTheReleaseTheGatesRead_asTaskRelease() throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    f.runbook(
        "attempts: 1",
        "printf '%s|%s\\n' \"$TASK_RELEASE\" \"${TASK_PAYLOAD_RE_LEASE:-unset}\" >> \"$MARKS/deploys\"",
        "true");
    f.board(
        "[\n  "
            + WorkerFixture.stagingTask(
                "TASK-001", "{\"release\": \"1.0.0\", \"re-lease\": \"6.6.6\", \"\u017Fx\": \"1\"}")
            + "\n]\n");

    runOnce(f);

    assertEquals("deployed", f.status("TASK-001"));
    assertEquals("1.0.0|unset\n", Files.readString(f.marks.resolve("deploys")));
  }

  /** The deploy step removes the section's workdir, so the rollback step cannot start. */
  @Test
  void rollbackThatCannotStart_isNotReportedAsPerformed() throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    Path work = Files.createDirectory(dir.resolve("work"));
    f.runbook(
        "attempts: 1\nworkdir: work",
        "echo deploy >> \"$MARKS/deploys\"\nrmdir \"" + work + "\"\nexit 1",
        "true");
    f.board("[\n  " + WorkerFixture.stagingTask("TASK-001", "{\"release\": \"1.0.0\"}") + "\n]\n");

    runOnce(f);

    JsonNode result = f.task("TASK-001").path("result");
    assertEquals("failed", f.status("TASK-001"));
    assertEquals(1, f.lines("deploys"));
    assertEquals(0, f.lines("rollbacks"));
    assertFalse(result.path("deployment_info").path("rollback_performed").asBoolean(true));
  }

  private WorkerFixture fixture(String payload) throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    f.runbook("attempts: 2\nbackoff: 50ms", "echo deploy >> \"$MARKS/deploys\"", "true");
    f.board("[\n  " + WorkerFixture.stagingTask("TASK-001", payload) + "\n]\n");
    return f;
  }

  private static void runOnce(WorkerFixture f) throws Exception {
    try (Worker w = Worker.open(WorkerConfig.of(f.board, f.runbook, TestEnv.in(f.dir)))) {
      w.run(true);
    }
  }
}
