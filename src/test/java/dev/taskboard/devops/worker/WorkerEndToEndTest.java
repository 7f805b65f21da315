package dev.taskboard.devops.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.journal.JournalFile;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon end to end: real runbook steps, real files, real processes. */
class WorkerEndToEndTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Process daemon;
  private Thread inProcess;
  private Worker worker;

  @AfterEach
  void stopEverything() throws Exception {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (worker != null) {
      worker.stop();
      inProcess.join(TimeUnit.SECONDS.toMillis(60));
      worker.close();
    }
    killPidsIn(dir.resolve("marks"));
  }

  @Test
  void once_deploysPendingTaskAndWritesItsResult() throws Exception {
    WorkerFixture f = fixture("echo \"deploy $TASK_ID\" >> \"$MARKS/deploys\"", "true");
    runOnce(f);
    JsonNode task = f.task("TASK-001");
    assertEquals("deployed", task.path("status").asText());
    JsonNode result = task.path("result");
    assertEquals("success", result.path("status").asText());
    assertEquals(1, result.path("attempts").asInt());
    assertEquals(
        "http://staging.test/", result.path("deployment_info").path("staging_url").asText());
    assertFalse(result.path("deployment_info").path("rollback_performed").asBoolean(true));
    assertTrue(
        Files.readString(Path.of(result.path("log").asText())).contains("deploy"),
        "log file written");
    assertTrue(
        result.path("log_tail").toString().contains("deploy#1 exited 0"),
        "the log's last lines are on the board, for agents: " + result.path("log_tail"));
    assertEquals("in_progress", journalStatuses(f).get(0));
    assertEquals(1, f.lines("deploys"));
    assertEquals("Task-Coder", f.task("TASK-002").path("agent").asText(), "other task untouched");
  }

  @Test
  void failingVerify_retriesThenRollsBackAndFails() throws Exception {
    WorkerFixture f =
        fixture("echo \"deploy\" >> \"$MARKS/deploys\"", "echo 'HTTP 500 from /health'; exit 1");
    runOnce(f);
    JsonNode task = f.task("TASK-001");
    assertEquals("failed", task.path("status").asText());
    assertEquals(2, task.path("result").path("attempts").asInt());
    assertTrue(task.path("result").path("deployment_info").path("rollback_performed").asBoolean());
    assertEquals(
        "Failed after 2 attempts: verify#1 exited 1 (last output: HTTP 500 from /health); rolled back.",
        task.path("result").path("message").asText());
    assertEquals(2, f.lines("deploys"));
    assertEquals(1, f.lines("rollbacks"));
  }

  @Test
  void payloadValues_reachStepsAsDataAndNeverExecute() throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    f.runbook(
        settings(),
        "printf '%s|%s|%s|%s\\n' \"$TASK_PAYLOAD_A\" \"$TASK_PAYLOAD_B\" \"$TASK_PAYLOAD_C\" \"$TASK_PAYLOAD_D\" > \"$MARKS/echo\"",
        "true");
    f.board(
        "[\n  "
            + WorkerFixture.stagingTask(
                "TASK-001",
                "{\"a\": \"$(touch pwned)\", \"b\": \"; touch pwned\", \"c\": \"`touch pwned`\", \"d\": \"'\\\" && touch pwned\"}")
            + "\n]\n");
    runOnce(f);
    assertEquals("deployed", f.status("TASK-001"));
    assertEquals(
        "$(touch pwned)|; touch pwned|`touch pwned`|'\" && touch pwned\n",
        Files.readString(f.marks.resolve("echo")));
    try (var files = Files.walk(dir)) {
      assertEquals(
          List.of(), files.filter(p -> p.getFileName().toString().equals("pwned")).toList());
    }
  }

  @Test
  void daemon_deploysTaskAnotherProcessAdds() throws Exception {
    WorkerFixture f = fixture("echo deploy >> \"$MARKS/deploys\"", "true");
    startInProcess(f);
    f.awaitStatus("TASK-001", "deployed", BOUND);
    Process add =
        TestProcesses.worker(
                dir,
                "board",
                "add",
                "--board",
                f.board.toString(),
                "--json",
                "{\"type\": \"deployment_staging\", \"status\": \"pending\", \"agent\": \"DevOps-Engineer\", \"payload\": {}}")
            .redirectError(ProcessBuilder.Redirect.DISCARD) // what add filled in, in one line
            .start();
    String out = new String(add.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, add.waitFor());
    assertEquals("TASK-003", out);
    f.awaitStatus("TASK-003", "deployed", BOUND);
    assertEquals(2, f.lines("deploys"));
  }

  @Test
  void staleCopyWrittenBack_isRestoredAndNeverRunsTwice() throws Exception {
    WorkerFixture f = fixture("echo deploy >> \"$MARKS/deploys\"", "true");
    byte[] original = Files.readAllBytes(f.board);
    runOnce(f);
    assertEquals("deployed", f.status("TASK-001"));

    replaceLikeAnotherAgent(f.board, original); // a stale copy: TASK-001 pending again
    runOnce(f);
    assertEquals("deployed", f.status("TASK-001"));
    assertEquals("success", f.task("TASK-001").path("result").path("status").asText());
    assertEquals(1, f.lines("deploys"), "the reverted task must not run again");

    ObjectNode requeued = (ObjectNode) f.task("TASK-001");
    setTask(f, requeued.put("status", "pending").put("updated_at", Instant.now().toString()));
    runOnce(f);
    assertEquals("deployed", f.status("TASK-001"));
    assertEquals(2, f.lines("deploys"), "a deliberate re-queue (newer updated_at) runs again");
  }

  @Test
  void staleCopyFromAClockAhead_isRestoredNotTakenForARequeue() throws Exception {
    WorkerFixture f = fixture("echo deploy >> \"$MARKS/deploys\"", "true");
    runOnce(f);
    ObjectNode copy = (ObjectNode) f.task("TASK-001");
    // Another machine's clock is a year ahead: its stale copy carries an updated_at "newer" than
    // the worker's last write, though nobody asked for the task again.
    String ahead = Instant.now().plus(Duration.ofDays(365)).toString();
    setTask(f, copy.put("status", "pending").put("updated_at", ahead));
    runOnce(f);
    assertEquals("deployed", f.status("TASK-001"));
    assertEquals(1, f.lines("deploys"), "a copy from a clock ahead must not run the task twice");
  }

  @Test
  void boardEditsByOtherProcessesDuringARun_areAllKept() throws Exception {
    WorkerFixture f =
        fixture("echo started > \"$MARKS/started\"; cat \"$MARKS/go\" > /dev/null", "true");
    mkfifo(f.marks.resolve("go"));
    startInProcess(f);
    f.awaitMark("started", BOUND);
    assertEquals("in_progress", f.status("TASK-001"));

    Process patch =
        TestProcesses.worker(
                dir,
                "board",
                "patch",
                "TASK-002",
                "--board",
                f.board.toString(),
                "--set",
                "reviewed_by=Code-Reviewer")
            .redirectErrorStream(true)
            .start();
    assertEquals(
        0,
        patch.waitFor(),
        new String(patch.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    ObjectNode other = (ObjectNode) f.task("TASK-002");
    setTask(f, other.put("foreign_note", "written without the lock"));

    try (OutputStream go = Files.newOutputStream(f.marks.resolve("go"))) {
      go.write("go\n".getBytes(StandardCharsets.UTF_8));
    }
    f.awaitStatus("TASK-001", "deployed", BOUND);
    JsonNode task2 = f.task("TASK-002");
    assertEquals("Code-Reviewer", task2.path("reviewed_by").asText());
    assertEquals("written without the lock", task2.path("foreign_note").asText());
  }

  @Test
  void secondInstance_isRefusedWithExit4NamingTheHolder() throws Exception {
    WorkerFixture f =
        fixture(
            "echo $$ > \"$MARKS/step.pid\"; echo started > \"$MARKS/started\"; exec sleep 300",
            "true");
    daemon =
        TestProcesses.start(
            dir,
            dir.resolve("daemon.err"),
            "run",
            "--board",
            f.board.toString(),
            "--runbook",
            f.runbook.toString());
    f.awaitMark("started", BOUND);
    Process second =
        TestProcesses.worker(
                dir,
                "run",
                "--once",
                "--board",
                f.board.toString(),
                "--runbook",
                f.runbook.toString())
            .redirectErrorStream(true)
            .start();
    String err = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(4, second.waitFor());
    assertTrue(
        err.startsWith(
            "devops-worker: another devops-worker already works on this board (pid "
                + daemon.pid()
                + " on "),
        err);
    assertEquals(1, err.lines().count(), err);
  }

  @Test
  void kill9MidStep_thenRestart_reconcilesByVerifying() throws Exception {
    WorkerFixture f =
        fixture(
            "echo $$ > \"$MARKS/step.pid\"; echo started > \"$MARKS/started\"; exec sleep 300",
            "true");
    killDaemonMidStep(f);
    String log = restartOnce(f);
    JsonNode task = f.task("TASK-001");
    assertEquals("deployed", task.path("status").asText(), log);
    long stepPid = Long.parseLong(Files.readString(f.marks.resolve("step.pid")).strip());
    Optional<ProcessHandle> leftover = ProcessHandle.of(stepPid);
    if (leftover.isPresent()) {
      leftover.get().onExit().get(30, TimeUnit.SECONDS); // killed by the restart, then reaped
    }
    assertFalse(
        leftover.map(ProcessHandle::isAlive).orElse(false), "the dead worker's step still runs");
    assertTrue(
        task.path("result")
            .path("message")
            .asText()
            .startsWith("The worker stopped mid-run (pid " + daemon.pid()),
        task.toString());
  }

  @Test
  void kill9BeforeAnyDeployStep_thenRestart_runsTheTaskFromTheStart() throws Exception {
    WorkerFixture f = fixture("echo deploy >> \"$MARKS/deploys\"", "true");
    String runbook = Files.readString(f.runbook);
    Files.writeString(
        f.runbook,
        runbook.replace(
            "### deploy",
            "### pre\n\n```sh\nif [ ! -f \"$MARKS/pre-once\" ]; then touch \"$MARKS/pre-once\"; "
                + "echo $$ > \"$MARKS/step.pid\"; echo started > \"$MARKS/started\"; exec sleep 300; fi\n```\n\n### deploy"));
    killDaemonMidStep(f);
    String log = restartOnce(f);
    JsonNode task = f.task("TASK-001");
    assertEquals("deployed", task.path("status").asText(), log);
    assertEquals(1, f.lines("deploys"), "deployed once, by the restarted worker");
    assertTrue(
        task.path("result")
            .path("message")
            .asText()
            .startsWith("Deployed release 1.0.0 to staging"),
        task.toString());
  }

  @Test
  void sigtermMidStep_endsTaskFailedAndRolledBack() throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    f.runbook(
        settings() + "\ngrace: 1s",
        "echo $$ > \"$MARKS/step.pid\"; echo started > \"$MARKS/started\"; exec sleep 300",
        "true");
    f.board("[\n  " + WorkerFixture.stagingTask("TASK-001", "{}") + "\n]\n");
    daemon =
        TestProcesses.start(
            dir,
            dir.resolve("daemon.err"),
            "run",
            "--board",
            f.board.toString(),
            "--runbook",
            f.runbook.toString());
    f.awaitMark("started", BOUND);
    long stepPid = Long.parseLong(Files.readString(f.marks.resolve("step.pid")).strip());
    daemon.destroy(); // SIGTERM
    assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "daemon did not exit after SIGTERM");
    JsonNode task = f.task("TASK-001");
    assertEquals(
        "failed", task.path("status").asText(), Files.readString(dir.resolve("daemon.err")));
    assertTrue(
        task.path("result")
            .path("message")
            .asText()
            .startsWith("Interrupted by shutdown during attempt 1 (deploy#1 was stopped)"),
        task.toString());
    assertTrue(task.path("result").path("deployment_info").path("rollback_performed").asBoolean());
    assertEquals(1, f.lines("rollbacks"));
    // A killed orphan stays a zombie until init reaps it (1-2 s here): wait for that, bounded.
    Optional<ProcessHandle> step = ProcessHandle.of(stepPid);
    if (step.isPresent()) {
      step.get().onExit().get(30, TimeUnit.SECONDS);
    }
    assertFalse(step.map(ProcessHandle::isAlive).orElse(false), "the step was not killed");
  }

  // --- helpers

  /** Starts the daemon, lets its step start (and be journaled), then kills it with SIGKILL. */
  private void killDaemonMidStep(WorkerFixture f) throws Exception {
    daemon =
        TestProcesses.start(
            dir,
            dir.resolve("daemon.err"),
            "run",
            "--board",
            f.board.toString(),
            "--runbook",
            f.runbook.toString());
    f.awaitMark("started", BOUND);
    // The worker can only kill what it recorded: wait until the step's pid is in the journal.
    Path journal = TestEnv.stateDir(f.dir, f.board).resolve("journal.jsonl");
    FileWait.until(
        journal.getParent(),
        BOUND,
        "step_process in the journal",
        () -> Files.exists(journal) && Files.readString(journal).contains("\"step_process\""));
    daemon.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
    assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
    assertEquals("in_progress", f.status("TASK-001"));
  }

  /** {@code run --once} as a new process; returns its log after asserting exit 0. */
  private String restartOnce(WorkerFixture f) throws Exception {
    Process restart =
        TestProcesses.worker(
                dir,
                "run",
                "--once",
                "--board",
                f.board.toString(),
                "--runbook",
                f.runbook.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(restart.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, restart.waitFor(), log);
    return log;
  }

  private WorkerFixture fixture(String deploy, String verify) throws IOException {
    WorkerFixture f = new WorkerFixture(dir);
    f.runbook(settings(), deploy, verify);
    f.board(
        "[\n  "
            + WorkerFixture.stagingTask("TASK-001", "{\"release\": \"1.0.0\"}")
            + ",\n  {\n    \"id\": \"TASK-002\",\n    \"type\": \"feature_development\",\n    \"status\": \"pending\",\n    \"agent\": \"Task-Coder\"\n  }\n]\n");
    return f;
  }

  private static String settings() {
    return "timeout: 60s\nattempts: 2\nbackoff: 50ms\nurl: http://staging.test/";
  }

  private void runOnce(WorkerFixture f) throws Exception {
    try (Worker w = Worker.open(WorkerConfig.of(f.board, f.runbook, TestEnv.in(f.dir)))) {
      w.run(true);
    }
  }

  private void startInProcess(WorkerFixture f) throws IOException {
    worker = Worker.open(WorkerConfig.of(f.board, f.runbook, TestEnv.in(f.dir)));
    inProcess =
        new Thread(
            () -> {
              try {
                worker.run(false);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "worker-under-test");
    inProcess.start();
  }

  private static List<String> journalStatuses(WorkerFixture f) throws IOException {
    List<String> statuses = new java.util.ArrayList<>();
    for (JournalEvent e :
        JournalFile.read(TestEnv.stateDir(f.dir, f.board).resolve("journal.jsonl")).events()) {
      if (e instanceof JournalEvent.Claim c && c.fields().containsKey("status")) {
        statuses.add(String.valueOf(c.fields().get("status")));
      } else if (e instanceof JournalEvent.Outcome o && o.fields().containsKey("status")) {
        statuses.add(String.valueOf(o.fields().get("status")));
      }
    }
    return statuses;
  }

  /** Rewrites the whole board the way an LLM tool does: read, change, temp file, rename. */
  private static void setTask(WorkerFixture f, ObjectNode task) throws IOException {
    ArrayNode tasks = (ArrayNode) Json.MAPPER.readTree(Files.readAllBytes(f.board));
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).path("id").asText().equals(task.path("id").asText())) {
        tasks.set(i, task);
      }
    }
    replaceLikeAnotherAgent(
        f.board, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(tasks));
  }

  private static void replaceLikeAnotherAgent(Path board, byte[] content) throws IOException {
    Path temp = Files.createTempFile(board.getParent(), "agent", ".tmp");
    Files.write(temp, content);
    Files.move(temp, board, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void mkfifo(Path fifo) throws IOException, InterruptedException {
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
  }

  private static void killPidsIn(Path marks) throws IOException {
    Path pid = marks.resolve("step.pid");
    if (Files.exists(pid)) {
      ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
