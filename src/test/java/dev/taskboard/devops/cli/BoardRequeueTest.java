package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * board requeue and board patch --set status=pending make the real worker run a finished task
 * again; a status set without a newer updated_at would be restored as a stale copy.
 */
class BoardRequeueTest {
  @TempDir Path dir;
  private Path board;
  private Path runs;

  private record Run(int exitCode, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), TestEnv.in(dir), args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void project() throws IOException {
    board = dir.resolve("tasks.json");
    runs = dir.resolve("runs.txt");
    Files.writeString(
        board,
        "[{\"id\": \"T-1\", \"type\": \"deployment_staging\", \"status\": \"pending\","
            + " \"agent\": \"DevOps-Engineer\", \"payload\": {}},\n"
            + " {\"id\": \"T-2\", \"type\": \"deployment_staging\", \"status\": \"done\","
            + " \"agent\": \"Tester\", \"payload\": {}}]\n");
    Files.writeString(
        dir.resolve("deployment.md"),
        "# Runbook\n\n## gates\n\n```settings\nstaging:\n```\n\n"
            + "## deployment_staging\n\n### deploy\n\n```sh\necho ran >> '"
            + runs
            + "'\n```\n");
  }

  private void runWorkerOnce() {
    Run once =
        run(
            "run",
            "--once",
            "--board",
            board.toString(),
            "--runbook",
            dir.resolve("deployment.md").toString());
    assertEquals(0, once.exitCode(), once.err());
  }

  private int runs() throws IOException {
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  private JsonNode task(String id) throws IOException {
    for (JsonNode t : Json.MAPPER.readTree(Files.readAllBytes(board))) {
      if (t.path("id").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no " + id);
  }

  @Test
  void requeue_deployedTask_runsAgain() throws IOException {
    runWorkerOnce();
    assertEquals("deployed", task("T-1").path("status").asText());
    String before = task("T-1").path("updated_at").asText();
    assertEquals(1, runs());

    Run requeue = run("board", "requeue", "T-1", "--board", board.toString(), "--reason", "again");

    assertEquals(0, requeue.exitCode(), requeue.err());
    JsonNode t = task("T-1");
    assertEquals("pending", t.path("status").asText());
    assertTrue(
        Instant.parse(t.path("updated_at").asText()).isAfter(Instant.parse(before)), t.toString());
    JsonNode request = t.path("requeue_requests").path(0);
    assertEquals("cli", request.path("by").asText());
    assertEquals("again", request.path("reason").asText());
    assertEquals(t.path("updated_at").asText(), request.path("at").asText());
    assertEquals(Json.compact(t) + "\n", requeue.out());
    assertTrue(requeue.err().startsWith("devops-worker: T-1 is pending again"), requeue.err());

    runWorkerOnce();

    assertEquals(2, runs());
    assertEquals("deployed", task("T-1").path("status").asText());
  }

  @Test
  void patchStatusPending_stampsUpdatedAt_andTheTaskRunsAgain() throws IOException {
    runWorkerOnce();
    String before = task("T-1").path("updated_at").asText();

    Run patch =
        run("board", "patch", "T-1", "--board", board.toString(), "--set", "status=pending");

    assertEquals(0, patch.exitCode(), patch.err());
    String stamped = task("T-1").path("updated_at").asText();

    runWorkerOnce();

    assertEquals(2, runs(), "the worker ran the task again rather than restoring its status");
    assertEquals("deployed", task("T-1").path("status").asText());
    assertTrue(Instant.parse(stamped).isAfter(Instant.parse(before)), stamped);
    assertEquals(
        "devops-worker: T-1: stamped updated_at "
            + stamped
            + " with the new status, so the worker takes the change as meant\n",
        patch.err());
  }

  @Test
  void patchWithItsOwnUpdatedAt_keepsIt() throws IOException {
    Run patch =
        run(
            "board",
            "patch",
            "T-1",
            "--board",
            board.toString(),
            "--set",
            "status=blocked",
            "--set",
            "updated_at=2026-01-01T00:00:00Z");

    assertEquals(0, patch.exitCode(), patch.err());
    assertEquals("", patch.err());
    assertEquals("2026-01-01T00:00:00Z", task("T-1").path("updated_at").asText());
  }

  @Test
  void requeue_pendingOrAnotherAgentsTask_refusedWithExit2AndNothingWritten() throws IOException {
    byte[] before = Files.readAllBytes(board);

    Run pending = run("board", "requeue", "T-1", "--board", board.toString());
    Run tester = run("board", "requeue", "T-2", "--board", board.toString());
    Run missing = run("board", "requeue", "T-9", "--board", board.toString());

    assertEquals(2, pending.exitCode());
    assertEquals(
        "devops-worker: task T-1 is \"pending\"; it is already queued or running\n", pending.err());
    assertEquals(2, tester.exitCode());
    assertTrue(tester.err().contains("is not the worker's (agent \"Tester\""), tester.err());
    assertEquals(1, missing.exitCode());
    assertEquals(new String(before), Files.readString(board));
  }
}
