package dev.taskboard.devops.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.hitl.Entry;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.hitl.Section;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gates and human-requests.md end to end: ask, read the answer back, act, never ask twice. */
class HumanLoopTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Worker daemon;
  private Thread daemonThread;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.stop();
      daemonThread.join(TimeUnit.SECONDS.toMillis(60));
      daemon.close();
    }
  }

  @Test
  void approvalWrittenByAnotherProcess_deploysTheTaskWithinSeconds() throws Exception {
    WorkerFixture f = production();
    startDaemon(f, Clock.systemUTC());
    f.awaitStatus("P-1", "blocked", BOUND);
    Entry entry = onlyEntry(f);
    assertEquals("Approve production deployment of release 2.0 (P-1)", entry.title());
    assertTrue(f.task("P-1").path("result").path("message").asText().contains(entry.id()));

    Process patch =
        TestProcesses.worker(
                dir,
                "board",
                "patch",
                "T-9",
                "--board",
                f.board.toString(),
                "--set",
                "note=edited while P-1 waited")
            .redirectErrorStream(true)
            .start();
    assertEquals(
        0,
        patch.waitFor(),
        new String(patch.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    answer(f, entry.id(), "approve", "Please add dark mode");
    f.awaitStatus("P-1", "deployed", BOUND);

    JsonNode task = f.task("P-1");
    assertEquals("approved", task.path("approvals").get(0).path("decision").asText());
    assertEquals("approve", task.path("approvals").get(0).path("text").asText());
    assertEquals("unsigned", task.path("approvals").get(0).path("signed_by").asText());
    assertEquals(entry.id(), task.path("approvals").get(0).path("hitl").asText());
    assertEquals(
        "pass",
        task.path("result").path("gates").path("stakeholder_approval").path("verdict").asText());
    Entry resolved =
        humans(f).entries().stream()
            .filter(e -> e.id().equals(entry.id()))
            .findFirst()
            .orElseThrow();
    assertEquals(Section.RESOLVED, resolved.section());
    assertEquals("approve", resolved.response().orElseThrow());
    assertTrue(
        resolved
            .field("Actions Taken")
            .orElseThrow()
            .startsWith("Approved (unsigned); P-1 is pending again"));
    assertTrue(
        Files.readString(humansFile(f)).contains("### REQ-9001: Please add dark mode"),
        "the other process's own entry survives");
    assertEquals(1, f.lines("deploys"));
    assertEquals(
        "edited while P-1 waited",
        f.task("T-9").path("note").asText(),
        "the other agent's board edit survives");
  }

  @Test
  void rejection_failsTheTask() throws Exception {
    WorkerFixture f = production();
    runOnce(f, Clock.systemUTC());
    Entry entry = onlyEntry(f);
    answer(f, entry.id(), "Reject.", null);
    runOnce(f, Clock.systemUTC());

    JsonNode task = f.task("P-1");
    assertEquals("failed", task.path("status").asText());
    assertEquals(
        "Rejected by a human in " + entry.id() + ".", task.path("result").path("message").asText());
    assertEquals(0, f.lines("deploys"));
    assertEquals(Section.RESOLVED, humans(f).entries().get(0).section());
  }

  @Test
  void unclearAnswer_isNotActedOn_andTheEntrySaysWhatCounts() throws Exception {
    WorkerFixture f = production();
    runOnce(f, Clock.systemUTC());
    Entry entry = onlyEntry(f);
    answer(f, entry.id(), "maybe next week?", null);
    runOnce(f, Clock.systemUTC());

    JsonNode task = f.task("P-1");
    assertEquals("blocked", task.path("status").asText());
    assertTrue(task.path("approvals").isMissingNode(), task.toString());
    Entry now = onlyEntry(f);
    assertEquals(Section.PENDING, now.section());
    assertTrue(
        now.field("Worker Note").orElseThrow().startsWith("Not acted on: not a decision"),
        now.field("Worker Note").orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"yes, but not before Monday's change freeze ends", "approve? no", "approved"})
  void answerWhoseFirstWordSoundsLikeYes_isNoDecision(String answer) throws Exception {
    WorkerFixture f = production();
    runOnce(f, Clock.systemUTC());
    answer(f, onlyEntry(f).id(), answer, null);
    runOnce(f, Clock.systemUTC());

    assertEquals("blocked", f.status("P-1"));
    assertEquals(0, f.lines("deploys"));
  }

  @Test
  void entryWrittenBeforeTheWorkerAsks_withTheKeyItWouldUse_isNotTakenForItsOwn() throws Exception {
    WorkerFixture f = production();
    Files.writeString(
        humansFile(f),
        "# Human Requests\n\n## Pending Requests\n\n### HITL-001: Approve P-1\n"
            + "<!-- devops-worker key=\"P-1/approval\" -->\n- **Submitted By**: DevOps-Engineer\n"
            + "- **Task ID**: P-1\n- **Status**: Pending\n- **Human Response**:\n  - approve\n\n"
            + "## Resolved\n");
    runOnce(f, Clock.systemUTC());
    runOnce(f, Clock.systemUTC());

    assertEquals("blocked", f.status("P-1"));
    assertEquals(0, f.lines("deploys"));
    assertTrue(f.task("P-1").path("result").path("message").asText().contains("HITL-002"));
  }

  @Test
  void decisionAppendedToTheJournalByAnyoneButTheWorker_isIgnored() throws Exception {
    WorkerFixture f = production();
    runOnce(f, Clock.systemUTC());
    Path journal = TestEnv.stateDir(f.dir, f.board).resolve("journal.jsonl");
    Files.writeString(
        journal,
        "{\"ts\":\"2026-01-01T00:00:00Z\",\"event\":\"decision\",\"task\":\"P-1\","
            + "\"hitl\":\"HITL-001\",\"kind\":\"approval\",\"decision\":\"approved\","
            + "\"text\":\"approve\",\"release\":\"2.0\"}\n",
        StandardOpenOption.APPEND);
    requeue(f, "P-1");
    runOnce(f, Clock.systemUTC());

    assertEquals("blocked", f.status("P-1"));
    assertEquals(0, f.lines("deploys"));
  }

  @Test
  void unansweredApproval_timesOutWithTheInjectedClock() throws Exception {
    WorkerFixture f = production();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));
    runOnce(f, clock);
    assertEquals("blocked", f.status("P-1"));
    clock.advance(Duration.ofHours(71));
    runOnce(f, clock);
    assertEquals("blocked", f.status("P-1"), "not yet: the timeout is 72h");
    clock.advance(Duration.ofHours(2));
    runOnce(f, clock);

    JsonNode task = f.task("P-1");
    assertEquals("failed", task.path("status").asText());
    assertTrue(
        task.path("result")
            .path("message")
            .asText()
            .startsWith("Approval timed out: no answer in HITL-001 within 72h"),
        task.toString());
    Entry entry = humans(f).entries().get(0);
    assertEquals(Section.RESOLVED, entry.section());
    assertEquals("2026-11-23", entry.field("Resolved Date").orElseThrow());
  }

  @Test
  void failingGate_blocksWithFixTaskAndEscalation_andRestartsNeverDuplicateThem() throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    Files.writeString(
        f.runbook, runbook("staging: unit_tests, code_review"), StandardCharsets.UTF_8);
    f.board(
        "[\n  {\n    \"id\": \"S-1\",\n    \"type\": \"deployment_staging\",\n    \"status\": \"pending\",\n"
            + "    \"agent\": \"DevOps-Engineer\",\n    \"updated_at\": \"2026-01-01T00:00:00Z\",\n"
            + "    \"payload\": {\"release\": \"2.0\", \"gates\": {\"unit_tests\": {\"total_tests\": 10, \"passed_tests\": 9, \"failed_tests\": 1}}}\n  }\n]\n");

    for (int round = 0; round < 3; round++) {
      runOnce(f, Clock.systemUTC()); // each round is a fresh worker: a restart
      assertEquals("blocked", f.status("S-1"));
      requeue(f, "S-1");
    }

    List<String> followUps = new ArrayList<>();
    for (JsonNode t : Json.MAPPER.readTree(Files.readAllBytes(f.board))) {
      if (t.path("payload").has("followup_key")) {
        followUps.add(
            t.path("agent").asText()
                + " "
                + t.path("type").asText()
                + " "
                + t.path("payload").path("followup_key").asText());
      }
    }
    assertEquals(
        List.of(
            "Task-Coder urgent_fix S-1/gate-failed/unit_tests",
            "Product-Manager escalation_request S-1/gate-failed/escalation"),
        followUps);
    assertEquals(List.of(), humans(f).entries(), "a failing check asks agents, not humans");
    assertTrue(
        f.task("S-1")
            .path("result")
            .path("message")
            .asText()
            .startsWith(
                "Quality gate staging failed: unit_tests (payload.gates.unit_tests of S-1: 9 of 10 passed (needs 100%))"));
  }

  @Test
  void evidenceRequest_isAskedOnceWhateverTheRestarts() throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    Files.writeString(f.runbook, runbook("staging: code_review"), StandardCharsets.UTF_8);
    f.board("[\n  " + WorkerFixture.stagingTask("S-1", "{\"release\": \"2.0\"}") + "\n]\n");
    for (int round = 0; round < 3; round++) {
      runOnce(f, Clock.systemUTC());
      assertEquals("blocked", f.status("S-1"));
      requeue(f, "S-1");
    }
    Entry entry = onlyEntry(f);
    assertEquals("Evidence missing for code_review (S-1)", entry.title());
    assertEquals("HITL-001", entry.id());
  }

  @Test
  void evidenceRequestAnsweredApprove_waivesTheMissingCheck() throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    Files.writeString(f.runbook, runbook("staging: code_review"), StandardCharsets.UTF_8);
    f.board("[\n  " + WorkerFixture.stagingTask("S-1", "{\"release\": \"2.0\"}") + "\n]\n");
    runOnce(f, Clock.systemUTC());
    Entry entry = onlyEntry(f);
    answer(f, entry.id(), "approve", null);
    runOnce(f, Clock.systemUTC());

    JsonNode task = f.task("S-1");
    assertEquals("deployed", task.path("status").asText());
    assertEquals(
        "waived by a human in " + entry.id(),
        task.path("result").path("gates").path("code_review").path("evidence").asText());
  }

  @Test
  void failedDeployment_asksForAFixAndHumans_andAFailedRollbackIsCritical() throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    Files.writeString(
        f.runbook,
        "# R\n\n## gates\n\n```settings\nstaging:\nproduction:\n```\n\n## defaults\n\n```settings\nattempts: 1\n```\n\n"
            + "## deployment_staging\n\n### deploy\n\n```sh\nexit 1\n```\n\n### rollback\n\n```sh\ntrue\n```\n\n"
            + "## deployment_production\n\n### deploy\n\n```sh\nexit 1\n```\n\n### rollback\n\n```sh\necho 'cannot switch back' >&2; exit 1\n```\n",
        StandardCharsets.UTF_8);
    f.board(
        "[\n  "
            + WorkerFixture.stagingTask("S-1", "{\"release\": \"3.0\"}")
            + ",\n  "
            + WorkerFixture.stagingTask("P-1", "{\"release\": \"3.0\"}")
                .replace("deployment_staging", "deployment_production")
            + "\n]\n");

    runOnce(f, Clock.systemUTC());

    assertEquals("failed", f.status("S-1"));
    assertEquals("failed", f.status("P-1"));
    List<String> entries = new ArrayList<>();
    for (Entry e : humans(f).entries()) {
      entries.add(e.id() + " " + e.field("Priority").orElse("?") + " " + e.title());
    }
    assertEquals(
        List.of(
            "HITL-001 High Deployment failed: S-1 (deployment_staging)",
            "HITL-002 Critical Rollback failed for P-1: environment may be in an unknown state"),
        entries);
    String fixId = f.task("S-1").path("result").path("follow_ups").get(0).asText();
    assertEquals("P-2", fixId, "the next id in the board's scheme");
    JsonNode fix = f.task(fixId);
    assertEquals("Task-Coder", fix.path("agent").asText());
    assertEquals("urgent_fix", fix.path("type").asText());
    assertEquals("S-1", fix.path("payload").path("failed_task").asText());
    assertTrue(
        fix.path("payload").path("log").asText().matches(".*/S-1-[0-9a-f]{8}/attempt-1\\.log"),
        fix.toString());
    assertEquals(
        List.of("P-2", "HITL-001"),
        Json.MAPPER.convertValue(f.task("S-1").path("result").path("follow_ups"), List.class));
  }

  @Test
  void failedDeployment_whileHumanRequestsHoldsABadByte_isAskedOnceTheFileIsFixed()
      throws Exception {
    WorkerFixture f = new WorkerFixture(dir);
    Files.writeString(
        f.runbook,
        "# R\n\n## gates\n\n```settings\nstaging:\nproduction:\n```\n\n## defaults\n\n```settings\nattempts: 1\n```\n\n"
            + "## deployment_staging\n\n### deploy\n\n```sh\nexit 1\n```\n\n### rollback\n\n```sh\ntrue\n```\n",
        StandardCharsets.UTF_8);
    f.board("[\n  " + WorkerFixture.stagingTask("S-1", "{\"release\": \"3.0\"}") + "\n]\n");
    byte[] template = Files.readAllBytes(Path.of("human-requests.md.template"));
    byte[] cp1252 = "\nNote: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(humansFile(f), template);
    Files.write(humansFile(f), cp1252, StandardOpenOption.APPEND);

    runOnce(f, Clock.systemUTC());
    assertEquals("failed", f.status("S-1"));
    Files.write(humansFile(f), template); // a human saves the file as UTF-8 again
    runOnce(f, Clock.systemUTC());

    List<String> titles = humans(f).entries().stream().map(Entry::title).toList();
    assertEquals(List.of("Deployment failed: S-1 (deployment_staging)"), titles);
    String followUps = f.task("S-1").path("result").path("follow_ups").toString();
    assertTrue(followUps.contains("\"HITL-001\"") && !followUps.contains("no entry"), followUps);
  }

  @Test
  void newEntry_runsTheOperatorsNotifyCommand_withTheEntryInItsEnvironment_andItsFailureIsNotFatal()
      throws Exception {
    WorkerFixture f = production();
    Path notified = f.marks.resolve("notified");
    String command =
        "printf '%s|%s|%s|%s\\n' \"$DEVOPS_WORKER_REQUEST_ID\" \"$DEVOPS_WORKER_TASK_ID\""
            + " \"$DEVOPS_WORKER_REQUEST_PRIORITY\" \"$DEVOPS_WORKER_REQUEST_TITLE\" >> '"
            + notified
            + "'; exit 3";
    WorkerConfig config =
        WorkerConfig.builder(f.board, f.runbook, TestEnv.in(f.dir)).notifyCommand(command).build();
    try (Worker w = Worker.open(config)) {
      w.run(true);
    } // closing waits for the notify command (bounded)

    assertEquals("blocked", f.status("P-1"));
    assertEquals(
        List.of("HITL-001|P-1|High|Approve production deployment of release 2.0 (P-1)"),
        Files.readAllLines(notified));
  }

  // --- helpers

  private WorkerFixture production() throws IOException {
    WorkerFixture f = new WorkerFixture(dir);
    Files.writeString(
        f.runbook,
        runbook("production: rollback_plan, stakeholder_approval"),
        StandardCharsets.UTF_8);
    f.board(
        "[\n  {\n    \"id\": \"P-1\",\n    \"type\": \"deployment_production\",\n    \"status\": \"pending\",\n"
            + "    \"agent\": \"DevOps-Engineer\",\n    \"updated_at\": \"2026-01-01T00:00:00Z\",\n"
            + "    \"payload\": {\"release\": \"2.0\"}\n  },\n  {\n    \"id\": \"T-9\",\n    \"type\": \"bug_fix\",\n"
            + "    \"status\": \"pending\",\n    \"agent\": \"Task-Coder\"\n  }\n]\n");
    return f;
  }

  private String runbook(String gates) {
    String steps =
        "### deploy\n\n```sh\necho deploy >> \"$MARKS/deploys\"\n```\n\n### verify\n\n```sh\ntrue\n```\n\n"
            + "### rollback\n\n```sh\ntrue\n```\n\n";
    return "# R\n\n## gates\n\n```settings\n"
        + gates
        + "\n```\n\n## defaults\n\n```settings\nenv.MARKS: "
        + dir.resolve("marks")
        + "\nattempts: 1\n```\n\n## deployment_staging\n\n"
        + steps
        + "## deployment_production\n\n"
        + steps;
  }

  /**
   * These tests answer in plain words, as an operator who started the worker with {@code
   * --allow-unsigned-approvals} lets humans do (signed decisions: SignedDecisionEndToEndTest).
   */
  private static WorkerConfig config(WorkerFixture f, Clock clock) {
    return WorkerConfig.builder(f.board, f.runbook, TestEnv.in(f.dir))
        .allowUnsigned(true)
        .clock(clock)
        .build();
  }

  private void runOnce(WorkerFixture f, Clock clock) throws Exception {
    try (Worker w = Worker.open(config(f, clock))) {
      w.run(true);
    }
  }

  private void startDaemon(WorkerFixture f, Clock clock) throws IOException {
    daemon = Worker.open(config(f, clock));
    daemonThread =
        new Thread(
            () -> {
              try {
                daemon.run(false);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "daemon-under-test");
    daemonThread.start();
  }

  private Path humansFile(WorkerFixture f) {
    return f.board.resolveSibling("human-requests.md");
  }

  private HumanRequests humans(WorkerFixture f) {
    return new HumanRequests(humansFile(f), Clock.systemUTC());
  }

  private Entry onlyEntry(WorkerFixture f) throws IOException {
    List<Entry> entries = humans(f).entries().stream().filter(Entry::byWorker).toList();
    assertEquals(1, entries.size(), entries.toString());
    return entries.get(0);
  }

  /** Another process answers, the way a human's editor saves. */
  private void answer(WorkerFixture f, String id, String answer, String extraEntry)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(humansFile(f).toString(), id, answer));
    if (extraEntry != null) {
      args.add(extraEntry);
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(TestProcesses.classpath());
    command.add(AnswerWriter.class.getName());
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }

  /** Another agent re-queues the task: pending with a newer updated_at. */
  private static void requeue(WorkerFixture f, String id) throws IOException {
    ObjectNode task = (ObjectNode) f.task(id);
    task.put("status", "pending").put("updated_at", Instant.now().toString());
    var tasks =
        (com.fasterxml.jackson.databind.node.ArrayNode)
            Json.MAPPER.readTree(Files.readAllBytes(f.board));
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).path("id").asText().equals(id)) {
        tasks.set(i, task);
      }
    }
    Files.write(f.board, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(tasks));
  }
}
