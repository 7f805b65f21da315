package dev.taskboard.devops.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.journal.JournalFile;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bad task, byte or neighbour never stops the worker: each case is something a hostile or
 * clumsy agent does, and the worker must end the task in a defined state and go on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RobustnessTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Worker worker;
  private Thread inProcess;
  private Process daemon;

  @AfterEach
  void stop() throws Exception {
    if (worker != null) {
      worker.stop();
      inProcess.join(TimeUnit.SECONDS.toMillis(60));
      worker.close();
    }
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void oddIds_dotDotAndOver255Bytes_runLikeAnyOtherTask() throws Exception {
    String longId = "T-" + "x".repeat(300);
    WorkerFixture f = new WorkerFixture(dir).runbook("timeout: 30s\nattempts: 1", "true", "true");
    f.board(
        "[\n  "
            + WorkerFixture.stagingTask("..", "{}")
            + ",\n  "
            + WorkerFixture.stagingTask(longId, "{}")
            + "\n]\n");

    runOnce(f);

    assertEquals("deployed", f.status(".."));
    assertEquals("deployed", f.status(longId));
    Path logs = TestEnv.stateDir(dir, f.board).resolve("logs");
    try (Stream<Path> dirs = Files.list(logs)) {
      List<String> names = dirs.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(2, names.size(), names.toString());
      assertTrue(
          names.stream().allMatch(n -> n.length() <= 49 && !n.startsWith(".")), names.toString());
    }
  }

  @Test
  void idWithALineBreakAndEscapes_whoseDeployFails_failsLikeAnyOtherTask() throws Exception {
    String id = "CTRL-1\r\n\u001b]0;title\u0007";
    WorkerFixture f = new WorkerFixture(dir).runbook("timeout: 30s\nattempts: 1", "exit 1", "true");
    f.board("[\n  " + WorkerFixture.stagingTask(jsonText(id), "{}") + "\n]\n");

    runOnce(f);

    JsonNode task = f.task(id);
    assertEquals("failed", task.path("status").asText(), task.toString());
    String message = task.path("result").path("message").asText();
    assertTrue(!message.contains("could not run this task"), message);
    assertEquals(2, task.path("result").path("follow_ups").size(), task.toString());
    String requests = Files.readString(f.board.resolveSibling("human-requests.md"));
    assertTrue(requests.contains("key=\"CTRL-1\\r\\n\\u001b]0;title\\u0007/"), requests);
  }

  /** {@code text} as the inside of a JSON string. */
  private static String jsonText(String text) throws IOException {
    String quoted = dev.taskboard.devops.task.Json.MAPPER.writeValueAsString(text);
    return quoted.substring(1, quoted.length() - 1);
  }

  @Test
  void journalWithAnUnusableLineAndATornEnd_isReadAroundThem_andTheNextClaimIsKept()
      throws Exception {
    WorkerFixture f = fixture("true");
    Path journal = TestEnv.stateDir(dir, f.board).resolve("journal.jsonl");
    Files.createDirectories(journal.getParent());
    Files.writeString(
        journal,
        "{\"ts\":\"2026-01-01T00:00:00Z\",\"event\":\"claim\",\"task\":\"OLD-1\"}\n"
            + "{\"ts\":\"2026-01-01T00:00:01Z\",\"event\":\"step_st",
        StandardCharsets.UTF_8);

    runOnce(f);

    assertEquals("deployed", f.status("TASK-001"));
    JournalFile.Read read = JournalFile.read(journal);
    assertEquals(2, read.warnings().size(), read.warnings().toString());
    assertTrue(read.warnings().get(0).startsWith(journal + ":1: "), read.warnings().toString());
    assertTrue(
        read.events().stream()
            .anyMatch(e -> e instanceof JournalEvent.Claim c && c.task().equals("TASK-001")),
        "the claim after the torn line was swallowed");
  }

  @Test
  void taskRemovedByAnotherAgentMidDeploy_endsNormally_andAStaleCopyBringingItBackGetsItsOutcome()
      throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    f.runbook(
        "timeout: 30s\nattempts: 1",
        "cp \"$MARKS/without.json\" \"$MARKS/tmp.json\" && mv \"$MARKS/tmp.json\" \"$BOARD\"",
        "true");
    Files.writeString(
        f.runbook,
        Files.readString(f.runbook)
            .replace("env.MARKS:", "env.BOARD: " + f.board + "\nenv.MARKS:"));
    f.board("[\n  " + WorkerFixture.stagingTask("TASK-001", "{}") + "\n]\n");
    Files.writeString(f.marks.resolve("without.json"), "[]\n");

    runOnce(f);

    assertEquals("[]\n", Files.readString(f.board), "the board is as the other agent left it");
    // A writer ignoring the lock writes back a stale copy from the time of the claim: the task
    // must not stay in_progress forever — the worker knows how it ended.
    replace(
        f.board,
        "[\n  "
            + WorkerFixture.stagingTask("TASK-001", "{}").replace("\"pending\"", "\"in_progress\"")
            + "\n]\n");

    runOnce(f);

    assertEquals("deployed", f.status("TASK-001"));
  }

  @Test
  void boardHalfWrittenWhenTheOutcomeIsDue_getsTheOutcomeOnceItIsWholeAgain() throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    f.runbook(
        "timeout: 30s\nattempts: 1",
        "true",
        "printf '[{\"id\": ' > \"$MARKS/half.json\" && mv \"$MARKS/half.json\" \"$BOARD\"");
    Files.writeString(
        f.runbook,
        Files.readString(f.runbook)
            .replace("env.MARKS:", "env.BOARD: " + f.board + "\nenv.MARKS:"));
    String whole = "[\n  " + WorkerFixture.stagingTask("TASK-001", "{}") + "\n]\n";
    f.board(whole);
    Path journal = TestEnv.stateDir(dir, f.board).resolve("journal.jsonl");

    startInProcess(f);
    FileWait.until(
        journal.getParent(),
        BOUND,
        "the outcome in the journal",
        () -> events(f).stream().anyMatch(e -> e instanceof JournalEvent.Outcome));
    assertTrue(Files.readString(f.board).startsWith("[{\"id\": "), "still half-written");
    // Another agent finishes its write: the board is whole again, TASK-001 still in_progress.
    replace(f.board, whole.replace("\"pending\"", "\"in_progress\""));

    f.awaitStatus("TASK-001", "deployed", BOUND);
    assertTrue(inProcess.isAlive(), "the daemon goes on");
  }

  @Test
  void boardHalfWrittenWhenAFailedDeploymentsFollowUpIsDue_keepsTheDeploymentsOutcome()
      throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    // The rollback step plays a clumsy agent: it leaves the board half-written, and its own
    // process finishes the write a moment later, while the worker files the follow-ups.
    f.runbook("timeout: 30s\nattempts: 1", "exit 1", "true");
    Files.writeString(
        f.runbook,
        Files.readString(f.runbook)
            .replace("env.MARKS:", "env.BOARD: " + f.board + "\nenv.MARKS:")
            .replace(
                "echo \"rollback $TASK_ID\" >> \"$MARKS/rollbacks\"",
                "cp \"$BOARD\" \"$MARKS/whole.json\" && printf '[{\"id\": ' > \"$MARKS/half.json\""
                    + " && mv \"$MARKS/half.json\" \"$BOARD\""
                    + " && (sleep 1; cp \"$MARKS/whole.json\" \"$MARKS/again.json\";"
                    + " mv \"$MARKS/again.json\" \"$BOARD\") >/dev/null 2>&1 &"));
    f.board("[\n  " + WorkerFixture.stagingTask("TASK-001", "{}") + "\n]\n");

    runOnce(f);

    JsonNode task = f.task("TASK-001");
    assertEquals("failed", task.path("status").asText(), task.toString());
    String message = task.path("result").path("message").asText();
    assertTrue(message.startsWith("Failed after 1 attempt: deploy#1 exited 1"), message);
    assertEquals(2, task.path("result").path("follow_ups").size(), task.toString());
  }

  @Test
  void verifyFailingInCrashRecovery_failsTheTask_filesAFixAndAsksHumans() throws Exception {
    WorkerFixture f = fixture("exit 1");
    Files.writeString(f.board, Files.readString(f.board).replace("\"pending\"", "\"in_progress\""));
    Path journal = TestEnv.stateDir(dir, f.board).resolve("journal.jsonl");
    Files.createDirectories(journal.getParent());
    // What a worker killed in the middle of deploy#1 left behind.
    try (JournalFile dead = JournalFile.append(journal)) {
      Instant then = Instant.parse("2026-01-01T00:00:00Z");
      dead.write(
          new JournalEvent.Claim(then, "TASK-001", 1, "gone", Map.of("status", "in_progress")));
      dead.write(new JournalEvent.StepStarted(then, "TASK-001", 1, "deploy#1"));
    }

    runOnce(f);

    JsonNode task = f.task("TASK-001");
    assertEquals("failed", task.path("status").asText());
    JsonNode followUps = task.path("result").path("follow_ups");
    assertEquals(2, followUps.size(), task.toString());
    assertEquals("urgent_fix", f.task(followUps.get(0).asText()).path("type").asText());
    String requests = Files.readString(f.board.resolveSibling("human-requests.md"));
    assertTrue(requests.contains("Deployment failed: TASK-001"), requests);
  }

  @Test
  void runOnce_onABoardThatDoesNotParse_isRefused_andWritesNothing() throws Exception {
    WorkerFixture f = fixture("true");
    f.board("[{\"id\": ");

    assertThrows(dev.taskboard.devops.board.BoardException.class, () -> runOnce(f));

    assertEquals("[{\"id\": ", Files.readString(f.board));
  }

  @Test
  void secondWorker_throughASymlinkedDirectoryAndAnotherStateDir_isRefused() throws Exception {
    WorkerFixture f = fixture("true");
    Path link = Files.createSymbolicLink(dir.resolve("same"), dir);
    WorkerConfig first = WorkerConfig.of(f.board, f.runbook, TestEnv.in(dir));
    WorkerConfig second =
        WorkerConfig.of(link.resolve(".plan/tasks.json"), f.runbook, TestEnv.in(dir))
            .withStateDir(dir.resolve("elsewhere"));
    try (Worker running = Worker.open(first)) {
      AlreadyRunningException e =
          assertThrows(AlreadyRunningException.class, () -> Worker.open(second).close());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
    }
  }

  @Test
  void stateDirDeletedUnderARunningDaemon_stopsItWithExit6() throws Exception {
    WorkerFixture f = fixture("true");
    Path state = TestEnv.stateDir(dir, f.board);
    daemon =
        TestProcesses.start(
            dir,
            dir.resolve("daemon.err"),
            "run",
            "--board",
            f.board.toString(),
            "--runbook",
            f.runbook.toString());
    f.awaitStatus("TASK-001", "deployed", BOUND);

    deleteTree(state);
    replace(f.board, Files.readString(f.board) + " "); // any change makes it look again

    assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "the daemon did not stop");
    String err = Files.readString(dir.resolve("daemon.err"));
    assertEquals(6, daemon.exitValue(), err);
    assertTrue(err.contains("was deleted under it"), err);
  }

  // --- helpers

  private WorkerFixture fixture(String verify) throws IOException {
    WorkerFixture f = new WorkerFixture(dir).runbook("timeout: 30s\nattempts: 1", "true", verify);
    f.board("[\n  " + WorkerFixture.stagingTask("TASK-001", "{\"release\": \"1.0.0\"}") + "\n]\n");
    return f;
  }

  private void runOnce(WorkerFixture f) throws Exception {
    try (Worker w = Worker.open(WorkerConfig.of(f.board, f.runbook, TestEnv.in(dir)))) {
      w.run(true);
    }
  }

  private void startInProcess(WorkerFixture f) throws IOException {
    worker = Worker.open(WorkerConfig.of(f.board, f.runbook, TestEnv.in(dir)));
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

  private List<JournalEvent> events(WorkerFixture f) throws IOException {
    return JournalFile.read(TestEnv.stateDir(dir, f.board).resolve("journal.jsonl")).events();
  }

  /** Replaces a file the way an agent's tool does: a temp file renamed over it. */
  private static void replace(Path file, String content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".agent~");
    Files.writeString(temp, content, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
