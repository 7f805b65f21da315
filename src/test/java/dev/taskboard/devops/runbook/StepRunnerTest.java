package dev.taskboard.devops.runbook;

import static dev.taskboard.devops.runbook.Steps.fifo;
import static dev.taskboard.devops.runbook.Steps.goneWithin;
import static dev.taskboard.devops.runbook.Steps.pidIn;
import static dev.taskboard.devops.runbook.Steps.settings;
import static dev.taskboard.devops.runbook.Steps.sh;
import static dev.taskboard.devops.runbook.Steps.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StepRunnerTest {
  @TempDir Path dir;

  private final StepRunner runner =
      new StepRunner(Clock.fixed(Instant.parse("2026-11-19T08:00:00Z"), ZoneOffset.UTC));

  private Path log() {
    return dir.resolve("logs/attempt-1.log");
  }

  private StepResult run(Step step, Settings settings, Map<String, String> env)
      throws IOException, InterruptedException {
    return runner.run(step, settings, env, log(), new StopSignal());
  }

  private String logText() throws IOException {
    return Files.readString(log());
  }

  @Test
  void run_successfulStep_logsHeaderMergedOutputAndFooter() throws Exception {
    StepResult r = run(sh("echo out\necho err >&2\nprintf 'last\\n\\n'"), settings(dir), Map.of());

    assertTrue(r.ok());
    assertEquals(0, r.exitCode());
    assertEquals("last", r.lastLine());
    List<String> lines = Files.readAllLines(log());
    assertEquals(
        "== deploy#1 (sh) started 2026-11-19T08:00:00Z from deployment.md:10", lines.get(0));
    assertEquals(List.of("out", "err", "last", ""), lines.subList(1, 5));
    assertTrue(lines.get(5).startsWith("== deploy#1 exited 0 after "), lines.get(5));
  }

  @Test
  void run_failingStep_reportsItsExitCodeAndLastLine() throws Exception {
    StepResult r = run(sh("echo 'cannot reach the database'\nexit 3"), settings(dir), Map.of());

    assertFalse(r.ok());
    assertEquals(3, r.exitCode());
    assertFalse(r.timedOut());
    assertEquals("cannot reach the database", r.lastLine());
    assertTrue(logText().contains("== deploy#1 exited 3 after "));
  }

  @Test
  void run_shStopsAtTheFirstFailingCommand() throws Exception {
    StepResult r = run(sh("false\necho not reached"), settings(dir), Map.of());

    assertEquals(1, r.exitCode());
    assertFalse(logText().contains("not reached"));
  }

  @Test
  void run_bashFailsAPipelineWhenAnyPartFails() throws Exception {
    StepResult r =
        run(
            step(Phase.VERIFY, 2, "bash", "false | cat\necho not reached"),
            settings(dir),
            Map.of());

    assertEquals(1, r.exitCode());
    assertTrue(logText().startsWith("== verify#2 (bash) started"));
  }

  @Test
  void run_otherInterpreters_runTheirScripts() throws Exception {
    for (String[] c :
        List.of(
            new String[] {"python3", "print('from python')"},
            new String[] {"perl", "print \"from perl\\n\";"},
            new String[] {"node", "console.log('from node')"})) {
      Optional<Path> installed = onPath(c[0]);
      if (installed.isEmpty()) {
        continue;
      }
      StepResult r = run(step(Phase.PRE, 1, c[0], c[1]), settings(dir), Map.of());
      assertEquals(0, r.exitCode(), c[0]);
      assertEquals("from " + c[0].replace("3", ""), r.lastLine());
    }
  }

  @Test
  void run_appendsEveryStepToTheAttemptLog_andWritesPrivateScriptsBesideIt() throws Exception {
    run(step(Phase.DEPLOY, 1, "sh", "echo first"), settings(dir), Map.of());
    run(step(Phase.VERIFY, 1, "sh", "echo second"), settings(dir), Map.of());

    String text = logText();
    assertTrue(text.indexOf("first") < text.indexOf("== verify#1 (sh) started"), text);
    assertTrue(text.contains("second"));
    Path script = dir.resolve("logs/attempt-1.deploy-1.sh");
    assertEquals("echo first\n", Files.readString(script));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
    assertTrue(Files.exists(dir.resolve("logs/attempt-1.verify-1.sh")));
  }

  @Test
  void run_usesWorkdirAndGivenEnvironment_onTopOfTheWorkersOwn() throws Exception {
    Path work = Files.createDirectory(dir.resolve("work"));

    StepResult r =
        run(
            sh("printf '%s %s %s\\n' \"$(pwd)\" \"$GREETING\" \"${PATH:+has-path}\""),
            settings(work),
            Map.of("GREETING", "hello"));

    assertEquals(work.toRealPath() + " hello has-path", r.lastLine());
  }

  @Test
  void run_stdinIsEmpty() throws Exception {
    StepResult r =
        run(
            sh("if read line; then echo got input; else echo no input; fi"),
            settings(dir),
            Map.of());

    assertEquals("no input", r.lastLine());
  }

  @Test
  void run_redactsSecretsInTheLogAndTheLastLine() throws Exception {
    Settings s =
        new Settings(
            Duration.ofSeconds(20),
            1,
            Duration.ZERO,
            Optional.empty(),
            dir,
            Duration.ofSeconds(5),
            Map.of(),
            Set.of("DB_URL"));

    StepResult r =
        run(
            sh("echo \"token $API_TOKEN\"\necho \"db $DB_URL\""),
            s,
            Map.of("API_TOKEN", "tok-12345", "DB_URL", "postgres://u:pw@db/x"));

    assertEquals("db ***", r.lastLine());
    String text = logText();
    assertTrue(text.contains("token ***"), text);
    assertFalse(text.contains("tok-12345"));
    assertFalse(text.contains("pw@db"));
  }

  /** The pump cuts lines at 64 KiB: a secret across the cut used to reach the log in halves. */
  @Test
  void run_secretAcrossTheCutOfAnOverLongLine_isRedacted() throws Exception {
    Step step = sh("head -c 65530 /dev/zero | tr '\\0' x\nprintf '%s\\n' \"$API_TOKEN\"");

    StepResult r = run(step, settings(dir), Map.of("API_TOKEN", "tok-1234567890abcdef"));

    assertTrue(r.ok(), r.toString());
    String text = logText();
    assertTrue(text.contains("x".repeat(65530) + "***\n"), "the masked line is missing");
    for (String half : List.of("tok-12", "1234567890", "90abcdef")) {
      assertFalse(text.contains(half), half + " reached the log");
    }
  }

  /** A carriage return used to end a line before redaction, cutting a secret that holds one. */
  @Test
  void run_secretHoldingACarriageReturn_orPrintedWithCrlf_isRedacted() throws Exception {
    Step step =
        sh(
            "printf 'a %s b\\n' \"$DB_PASSWORD\"\n"
                + "printf 'MIIEowIBAAKCAQEA\\r\\nq7\\r\\n'\n"
                + "printf 'last %s\\n' \"$DB_PASSWORD\"");

    StepResult r =
        run(
            step,
            settings(dir),
            Map.of("DB_PASSWORD", "k9\rZq7w-secret", "SSH_KEY", "MIIEowIBAAKCAQEA\nq7"));

    List<String> lines = Files.readAllLines(log()).subList(1, 4);
    assertEquals(List.of("a *** b", "***", "last ***"), lines);
    assertEquals("last ***", r.lastLine());
  }

  @Test
  void run_timeout_killsTheWholeProcessTree() throws Exception {
    Step step = sh("sh -c 'sleep 300 & echo $! > child.pid; wait'");

    StepResult r =
        run(step, settings(dir, Duration.ofMillis(1500), Duration.ofSeconds(5)), Map.of());

    assertTrue(r.timedOut());
    assertFalse(r.ok());
    assertTrue(r.duration().compareTo(Duration.ofSeconds(10)) < 0, r.duration().toString());
    long grandchild = pidIn(dir.resolve("child.pid"));
    assertTrue(
        goneWithin(grandchild, Duration.ofSeconds(20)), "grandchild " + grandchild + " still runs");
    assertTrue(logText().contains("== deploy#1 timed out after 1.500s; killed its process tree"));
  }

  /** Re-parented at once: neither the step's group nor its descendants hold it any more. */
  @Test
  void run_timeout_killsWhatTheStepStartedThroughSetsid() throws Exception {
    String u = Steps.unique();
    fifo(dir.resolve("orphan"));
    Step step =
        sh(
            "( setsid sh -c 'echo $$ > orphan; exec sleep \"1000.$U\"' & )\n"
                + "read pid < orphan\n"
                + "echo \"$pid\" > orphan.pid\n"
                + "sleep \"1000.$U\"");

    StepResult r = run(step, settings(dir, Duration.ofSeconds(3), Duration.ZERO), Map.of("U", u));

    assertTrue(r.timedOut());
    long stray = pidIn(dir.resolve("orphan.pid"));
    assertEquals(List.of(), Steps.stillRunning(List.of(stray), Duration.ofSeconds(20)));
    assertEquals(
        List.of(), Steps.stillRunning(Steps.runningWith("1000." + u), Duration.ofSeconds(20)));
  }

  @Test
  void run_stop_killsDoubleForksAndNohupAfterSetsid_whereverTheyWereReparented() throws Exception {
    String u = Steps.unique();
    Files.writeString(dir.resolve("orphan.sh"), "echo $$ > \"$1\"\nexec sleep \"1000.$U\"\n");
    for (String name : List.of("p1", "p2", "p3", "ready")) {
      fifo(dir.resolve(name));
    }
    Step step =
        sh(
            "( setsid sh orphan.sh p1 & )\n"
                + "( setsid sh -c '( sh orphan.sh p2 & ); exec sleep \"1000.$U\"' & )\n"
                + "setsid sh -c 'nohup sh orphan.sh p3 >/dev/null 2>&1 &'\n"
                + "read a < p1\nread b < p2\nread c < p3\n"
                + "echo \"$a $b $c\" > ready\n"
                + "sleep \"1000.$U\"");
    StopSignal stop = new StopSignal();
    CompletableFuture<StepResult> running =
        runAsync(step, settings(dir, Duration.ofMinutes(5), Duration.ZERO), Map.of("U", u), stop);
    List<Long> strays =
        java.util.Arrays.stream(Files.readString(dir.resolve("ready")).strip().split(" "))
            .map(Long::parseLong)
            .toList();
    // Each stray wrote its pid before its exec of sleep: wait (bounded) until all three show.
    assertEquals(
        3,
        Steps.awaitRunningWith(
                "1000." + u,
                now -> now.stream().filter(strays::contains).count() == 3,
                Duration.ofSeconds(10))
            .stream()
            .filter(strays::contains)
            .count());

    stop.request();
    StepResult r = running.get(60, TimeUnit.SECONDS);

    assertTrue(r.stopped());
    assertEquals(List.of(), Steps.stillRunning(strays, Duration.ofSeconds(20)));
    assertEquals(
        List.of(), Steps.stillRunning(Steps.runningWith("1000." + u), Duration.ofSeconds(20)));
  }

  /** Only a timeout or a stop kills what a step started: a service left on purpose stays. */
  @Test
  void run_successfulStep_leavesItsSetsidNohupServiceRunning() throws Exception {
    String u = Steps.unique();
    Step step =
        sh("setsid nohup sleep \"1000.$U\" >/dev/null 2>&1 &\necho $! > service.pid\necho ok");
    long service = -1;
    try {
      StepResult r = run(step, settings(dir), Map.of("U", u));
      service = pidIn(dir.resolve("service.pid"));

      assertTrue(r.ok());
      assertEquals(
          List.of(service),
          Steps.awaitRunningWith(
              "1000." + u, List.of(service)::equals, java.time.Duration.ofSeconds(10)));
    } finally {
      Steps.kill(service);
    }
  }

  @Test
  void run_backgroundServiceLeftBySuccessfulStep_neitherHangsNorIsKilled() throws Exception {
    Step step = sh("sleep 300 &\necho $! > service.pid\necho started the service");
    long service = -1;
    try {
      StepResult r = run(step, settings(dir), Map.of());
      service = pidIn(dir.resolve("service.pid"));

      assertTrue(r.ok());
      assertEquals("started the service", r.lastLine());
      assertTrue(r.duration().compareTo(Duration.ofSeconds(10)) < 0);
      assertTrue(ProcessHandle.of(service).map(ProcessHandle::isAlive).orElse(false));
      assertTrue(
          logText()
              .contains(
                  "== deploy#1 left background processes writing to its output; their output is"
                      + " not captured (redirect a background service's output to a file of its"
                      + " own)"),
          logText());
    } finally {
      Steps.kill(service);
    }
  }

  @Test
  void run_backgroundServiceWritingAfterTheStepEnded_isNotKilledByABrokenPipe() throws Exception {
    Path go = fifo(dir.resolve("go"));
    Path status = fifo(dir.resolve("status"));
    Step step =
        sh(
            "(read x < go; echo late; echo \"$?\" > status; exec sleep 300) &\necho $! > service.pid");
    long service = -1;
    try {
      StepResult r = run(step, settings(dir), Map.of());
      service = pidIn(dir.resolve("service.pid"));
      assertTrue(r.ok());

      Files.writeString(go, "go\n");
      CompletableFuture<String> wrote =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Files.readString(status);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });

      assertEquals("0\n", wrote.get(20, TimeUnit.SECONDS));
      assertTrue(ProcessHandle.of(service).map(ProcessHandle::isAlive).orElse(false));
      assertFalse(logText().contains("late"));
    } finally {
      Steps.kill(service);
    }
  }

  @Test
  void run_backgroundServiceWithItsOwnOutputFile_isNotNoted() throws Exception {
    Step step = sh("sleep 300 </dev/null >service.log 2>&1 &\necho $! > service.pid");
    long service = -1;
    try {
      StepResult r = run(step, settings(dir), Map.of());
      service = pidIn(dir.resolve("service.pid"));

      assertTrue(r.ok());
      assertFalse(logText().contains("left background processes"));
      assertTrue(ProcessHandle.of(service).map(ProcessHandle::isAlive).orElse(false));
    } finally {
      Steps.kill(service);
    }
  }

  @Test
  void run_stop_givesTheStepItsGrace_thenKillsItsTree() throws Exception {
    Path ready = fifo(dir.resolve("ready"));
    Step step = sh("sleep 300 &\necho $! > child.pid\necho ready > ready\nwait");
    StopSignal stop = new StopSignal();

    CompletableFuture<StepResult> running =
        runAsync(step, settings(dir, Duration.ofMinutes(1), Duration.ofMillis(800)), stop);
    assertEquals("ready\n", Files.readString(ready));
    stop.request();
    StepResult r = running.get(30, TimeUnit.SECONDS);

    assertTrue(r.stopped());
    assertFalse(r.timedOut());
    assertFalse(r.ok());
    assertTrue(r.duration().compareTo(Duration.ofMillis(800)) >= 0, r.duration().toString());
    assertTrue(goneWithin(pidIn(dir.resolve("child.pid")), Duration.ofSeconds(20)));
    assertTrue(
        logText()
            .contains(
                "== deploy#1 stopped: shutdown requested and its grace of 800ms ran out; killed"
                    + " its process tree"));
  }

  @Test
  void run_stop_stepThatFinishesWithinItsGrace_endsNormally() throws Exception {
    Path ready = fifo(dir.resolve("ready"));
    Path go = fifo(dir.resolve("go"));
    Step step = sh("echo ready > ready\nread answer < go\necho \"finished: $answer\"");
    StopSignal stop = new StopSignal();

    CompletableFuture<StepResult> running =
        runAsync(step, settings(dir, Duration.ofMinutes(1), Duration.ofSeconds(20)), stop);
    assertEquals("ready\n", Files.readString(ready));
    stop.request();
    Files.writeString(go, "done\n");
    StepResult r = running.get(30, TimeUnit.SECONDS);

    assertTrue(r.ok());
    assertFalse(r.stopped());
    assertEquals("finished: done", r.lastLine());
  }

  @Test
  void run_stopRequestedBeforeTheStep_doesNotStartIt() throws Exception {
    StopSignal stop = new StopSignal();
    stop.request();

    StepResult r = runner.run(sh("touch ran"), settings(dir), Map.of(), log(), stop);

    assertTrue(r.stopped());
    assertEquals("not started: shutdown requested", r.lastLine());
    assertFalse(Files.exists(dir.resolve("ran")));
  }

  @Test
  void run_interpreterNotInstalled_failsWithoutStarting() throws Exception {
    StepResult r = run(sh("true"), settings(dir), Map.of("PATH", dir.resolve("empty").toString()));

    assertEquals(StepResult.CANNOT_START, r.exitCode());
    assertEquals(
        "sh is not installed (not found on PATH); install it or use another interpreter in"
            + " deployment.md:10",
        r.lastLine());
    assertTrue(logText().contains("== deploy#1 sh is not installed"));
  }

  @Test
  void run_missingWorkdir_failsWithoutStarting() throws Exception {
    Path missing = dir.resolve("missing");

    StepResult r = run(sh("true"), settings(missing), Map.of());

    assertEquals(StepResult.CANNOT_START, r.exitCode());
    assertEquals(
        "workdir " + missing + " is not a directory; create it or fix 'workdir:' in the runbook",
        r.lastLine());
  }

  @Test
  void run_givesThePayloadInAPrivateFile_removedWhenTheStepEnds() throws Exception {
    String payload = "{\"release\":\"1.4.0\",\"notes\":\"a\\nb\"}";
    Step step =
        sh(
            "printf '%s\\n' \"$TASK_PAYLOAD_FILE\" > where\n"
                + "cat \"$TASK_PAYLOAD_FILE\" > seen.json\n"
                + "stat -c '%a %U' \"$TASK_PAYLOAD_FILE\" \"$(dirname \"$TASK_PAYLOAD_FILE\")\"");

    StepResult r = run(step, settings(dir), Map.of("TASK_PAYLOAD", payload));

    assertTrue(r.ok(), r.toString());
    assertEquals(payload, Files.readString(dir.resolve("seen.json")));
    List<String> modes = Files.readAllLines(log()).subList(1, 3);
    String user = System.getProperty("user.name");
    assertEquals(List.of("600 " + user, "700 " + user), modes);
    Path file = Path.of(Files.readString(dir.resolve("where")).strip());
    assertFalse(Files.exists(file), file + " is left");
    assertFalse(Files.exists(file.getParent()), file.getParent() + " is left");
  }

  @Test
  void run_withoutATaskPayload_setsNoPayloadFile() throws Exception {
    StepResult r = run(sh("echo \"${TASK_PAYLOAD_FILE:-none}\""), settings(dir), Map.of());

    assertEquals("none", r.lastLine());
  }

  @Test
  void run_reportsWhetherTheStepStarted() throws Exception {
    assertTrue(run(sh("exit 3"), settings(dir), Map.of()).started());
    assertFalse(run(sh("true"), settings(dir.resolve("missing")), Map.of()).started());
  }

  /** execve refuses such an environment: nothing starts, and the result says so. */
  @Test
  void run_variableOverTheKernelLimit_doesNotStart_andNamesIt() throws Exception {
    StepResult r =
        run(sh("touch ran"), settings(dir), Map.of("TASK_PAYLOAD_NOTES", "n".repeat(200_000)));

    assertFalse(r.started());
    assertEquals(StepResult.CANNOT_START, r.exitCode());
    assertTrue(r.lastLine().startsWith("TASK_PAYLOAD_NOTES would be 200020 bytes"), r.lastLine());
    assertFalse(Files.exists(dir.resolve("ran")));
  }

  /** The limit is the kernel's own: a variable just at it still reaches the step. */
  @Test
  void run_variableJustAtTheKernelLimit_reachesTheStep() throws Exception {
    String value = "v".repeat(EnvironmentLimits.MAX_VARIABLE - "BIG=".length() - 1);

    StepResult r = run(sh("printf '%s\\n' \"${#BIG}\""), settings(dir), Map.of("BIG", value));

    assertTrue(r.ok(), r.toString());
    assertEquals(Integer.toString(value.length()), r.lastLine());
  }

  @Test
  void run_veryLongOutputLines_areCutIntoPieces() throws Exception {
    StepResult r =
        run(sh("head -c 200000 /dev/zero | tr '\\0' 'x'\necho"), settings(dir), Map.of());

    assertTrue(r.ok());
    List<String> lines = Files.readAllLines(log());
    assertEquals(OutputPump.MAX_LINE, lines.get(1).length());
    assertEquals(StepLog.MAX_LAST_LINE + 1, r.lastLine().length());
  }

  private CompletableFuture<StepResult> runAsync(Step step, Settings settings, StopSignal stop) {
    return runAsync(step, settings, Map.of(), stop);
  }

  private CompletableFuture<StepResult> runAsync(
      Step step, Settings settings, Map<String, String> env, StopSignal stop) {
    CompletableFuture<StepResult> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.complete(runner.run(step, settings, env, log(), stop));
              } catch (Exception | Error e) {
                result.completeExceptionally(e);
              }
            });
    t.start();
    return result;
  }

  private static Optional<Path> onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, program);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
