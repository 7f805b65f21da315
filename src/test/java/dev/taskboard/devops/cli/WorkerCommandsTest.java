package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        "Every check of the production gate passed; waiting for stakeholder approval in HITL-002 of .plan/human-requests.md.",
        production.path("result").path("message").asText());
    String requests = Files.readString(dir.resolve(".plan/human-requests.md"));
    assertTrue(
        requests.contains(
            "### HITL-002: Approve production deployment of release 1.4.0 (TASK-005)"),
        requests);
    // The demo runs the real trust model: its throwaway human trusted the runbook (HITL-001),
    // and the hint signs the approval with the demo's key.
    assertTrue(requests.contains("Runbook trusted (demo-human@devops-worker.example)"), requests);
    assertTrue(
        demo.out().contains("approve HITL-002 --key keys/demo-human --board .plan/tasks.json"),
        demo.out());
    assertTrue(demo.out().contains("--signers operator/allowed_signers"), demo.out());
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

  /** Ctrl-C during the demo: the services it started stop with it. */
  @Test
  void interrupted_stopsTheServicesItStarted() throws Exception {
    Path project = dir.resolve("project");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info"); // the worker's events, to wait on
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.add("demo");
    command.add(project.toString());
    Path stdout = dir.resolve("demo.out");
    Process demo =
        TestEnv.apply(new ProcessBuilder(command), dir).redirectOutput(stdout.toFile()).start();
    try (BufferedReader err =
        new BufferedReader(new InputStreamReader(demo.getErrorStream(), StandardCharsets.UTF_8))) {
      // The staging service is up once its task is deployed; then the user presses Ctrl-C.
      String line;
      while ((line = err.readLine()) != null && !line.contains("TASK-004: deployed")) {
        // the worker's log up to there
      }
      assertTrue(line != null, "the demo ended before deploying staging");
      List<Long> pids = servicePids(project);
      assertFalse(pids.isEmpty(), "no service pid file under " + project);
      assertTrue(pids.stream().anyMatch(WorkerCommandsTest::alive), "staging runs: " + pids);

      // Ctrl-C: SIGINT to the demo's JVM, which runs its shutdown hooks
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start();
      assertEquals(0, kill.waitFor());
      err.transferTo(java.io.Writer.nullWriter());
      assertTrue(demo.waitFor(120, TimeUnit.SECONDS), "the demo did not stop");

      List<Long> all = new ArrayList<>(pids);
      all.addAll(servicePids(project));
      for (long pid : all) {
        assertFalse(alive(pid), "service still running: pid " + pid);
      }
      assertTrue(
          Files.readString(stdout).contains("stopped service pid"), Files.readString(stdout));
    } finally {
      demo.destroyForcibly();
      for (long pid : servicePids(project)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
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

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static List<Long> servicePids(Path project) throws IOException {
    Path state = project.resolve(".devops-worker");
    if (!Files.isDirectory(state)) {
      return List.of();
    }
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> all = Files.walk(state)) {
      for (Path p : all.filter(f -> f.toString().endsWith(".pid")).toList()) {
        String text = Files.readString(p).strip();
        if (text.matches("\\d+")) {
          pids.add(Long.parseLong(text));
        }
      }
    }
    return pids;
  }
}
