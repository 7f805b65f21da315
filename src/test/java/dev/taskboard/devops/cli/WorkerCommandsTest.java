package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** demo, plan and status on the shipped examples, through the real command line. */
class WorkerCommandsTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), TestEnv.in(dir), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void demo_deploysTheExamplesRollsBackTheBrokenReleaseAndStopsItsServices() throws IOException {
    Run demo = run("demo", dir.toString());

    assertEquals(0, demo.exitCode(), demo.err());
    Path board = dir.resolve(".plan/tasks.json");
    assertEquals("deployed", task(board, "TASK-004").path("status").asText());
    JsonNode production = task(board, "TASK-005");
    assertEquals("blocked", production.path("status").asText());
    assertEquals(
        "Every check of the production gate passed; waiting for stakeholder approval in HITL-001 of .plan/human-requests.md.",
        production.path("result").path("message").asText());
    assertTrue(
        Files.readString(dir.resolve(".plan/human-requests.md"))
            .contains("### HITL-001: Approve production deployment of release 1.4.0 (TASK-005)"));
    assertEquals("done", task(board, "TASK-006").path("status").asText());
    assertEquals("done", task(board, "TASK-007").path("status").asText());
    JsonNode broken = task(board, "TASK-008");
    assertEquals("failed", broken.path("status").asText());
    assertTrue(
        broken.path("result").path("deployment_info").path("rollback_performed").asBoolean(),
        broken.toString());
    assertEquals("pending", task(board, "TASK-009").path("status").asText(), "waits for TASK-005");
    assertEquals(
        "pending", task(board, "TASK-010").path("status").asText(), "another agent's task");
    assertEquals(
        "pending", task(board, "TASK-012").path("status").asText(), "a Tester's deployment task");
    assertEquals(
        "pending",
        task(board, "TASK-013").path("status").asText(),
        "a type the worker does not handle");
    assertTrue(
        demo.out().contains("TASK-008  deployment_staging     pending     → failed"), demo.out());
    for (Path pidFile : pidFiles(dir)) {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      assertFalse(
          ProcessHandle.of(pid)
              .map(p -> p.isAlive() && p.info().command().isPresent())
              .orElse(false),
          "service still running: " + pidFile);
    }
  }

  @Test
  void plan_showsStepsAndRollbackWithoutRunningAnything() throws IOException {
    DemoCommand.copyExamples(dir);
    Path board = dir.resolve(".plan/tasks.json");
    byte[] before = Files.readAllBytes(board);

    Run plan =
        run(
            "plan",
            "TASK-004",
            "--board",
            board.toString(),
            "--runbook",
            dir.resolve("deployment.md").toString());

    assertEquals(0, plan.exitCode(), plan.err());
    assertTrue(
        plan.out()
            .startsWith(
                "TASK-004 deployment_staging (pending, priority high) — Deploy greeter 1.4.0 to staging\n"),
        plan.out());
    assertTrue(
        plan.out().contains("dependencies: TASK-002 done, TASK-003 done → ready"), plan.out());
    assertTrue(
        plan.out().contains("deploy (each attempt):\n  deploy#1 — sh, deployment.md:"), plan.out());
    assertTrue(
        plan.out().contains("rollback (after the last failed attempt):\n  rollback#1 — sh"),
        plan.out());
    assertTrue(plan.out().contains("TASK_PAYLOAD_RELEASE"), plan.out());
    assertTrue(plan.out().endsWith("nothing was executed.\n"), plan.out());
    assertArrayEquals(before, Files.readAllBytes(board));
    assertFalse(
        Files.exists(TestEnv.stateDir(dir, board).resolve("logs")), "plan must not run steps");
  }

  @Test
  void plan_ofTypeWithoutSection_saysWhichSectionToAdd() throws IOException {
    Path board = dir.resolve("tasks.json");
    Files.writeString(
        board,
        "[{\"id\": \"T-1\", \"type\": \"infrastructure_dns\", \"status\": \"pending\", \"agent\": \"DevOps-Engineer\"}]");
    Files.writeString(
        dir.resolve("deployment.md"),
        "# Runbook\n\n## deployment_staging\n\n### deploy\n\n```sh\ntrue\n```\n");

    Run plan =
        run(
            "plan",
            "T-1",
            "--board",
            board.toString(),
            "--runbook",
            dir.resolve("deployment.md").toString());

    assertEquals(0, plan.exitCode(), plan.err());
    assertTrue(
        plan.out()
            .contains(
                "No runbook section for task type infrastructure_dns; add a '## infrastructure_dns' section to deployment.md"),
        plan.out());
  }

  @Test
  void plan_ofUnknownTask_exits1() {
    Run plan = run("plan", "NOPE", "--board", writeEmptyBoard().toString());
    assertEquals(1, plan.exitCode());
    assertTrue(plan.err().startsWith("devops-worker: "), plan.err());
  }

  @Test
  void status_listsTheWorkersTasksWithMessagesAndLogs() throws IOException {
    Path board = dir.resolve("tasks.json");
    Files.writeString(
        board,
        "[{\"id\": \"T-1\", \"type\": \"deployment_staging\", \"status\": \"pending\", \"agent\": \"DevOps-Engineer\", \"payload\": {}}]");
    Files.writeString(
        dir.resolve("deployment.md"),
        "# Runbook\n\n## gates\n\n```settings\nstaging:\n```\n\n"
            + "## deployment_staging\n\n### deploy\n\n```sh\necho deploying\n```\n");
    Run once =
        run(
            "run",
            "--once",
            "--board",
            board.toString(),
            "--runbook",
            dir.resolve("deployment.md").toString());
    assertEquals(0, once.exitCode(), once.err());

    Run status = run("status", "--json", "--board", board.toString());

    assertEquals(0, status.exitCode(), status.err());
    JsonNode json = Json.parse(status.out());
    assertFalse(json.path("worker").path("running").asBoolean());
    JsonNode row = json.path("tasks").get(0);
    assertEquals("T-1", row.path("id").asText());
    assertEquals("deployed", row.path("status").asText());
    assertEquals(1, row.path("attempts").asInt());
    assertTrue(
        row.path("log").asText().matches(".*/T-1-[0-9a-f]{8}/attempt-1\\.log"), row.toString());
    Run text = run("status", "--board", board.toString());
    assertTrue(text.out().startsWith("worker: not running\nT-1 "), text.out());
  }

  private Path writeEmptyBoard() {
    Path board = dir.resolve("empty.json");
    try {
      Files.writeString(board, "[]");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return board;
  }

  private static JsonNode task(Path board, String id) throws IOException {
    for (JsonNode t : Json.MAPPER.readTree(Files.readAllBytes(board))) {
      if (t.path("id").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no " + id);
  }

  private static List<Path> pidFiles(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.toString().endsWith(".pid")).toList();
    }
  }
}
