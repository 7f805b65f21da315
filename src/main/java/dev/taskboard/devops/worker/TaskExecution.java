package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.ExpectationFailedException;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskNotFoundException;
import dev.taskboard.devops.runbook.Phase;
import dev.taskboard.devops.runbook.Redactor;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.RunbookException;
import dev.taskboard.devops.runbook.Section;
import dev.taskboard.devops.runbook.Step;
import dev.taskboard.devops.runbook.StepResult;
import dev.taskboard.devops.runbook.StepRunner;
import dev.taskboard.devops.runbook.StopSignal;
import dev.taskboard.devops.runbook.TaskEnvironment;
import dev.taskboard.devops.runbook.TaskEnvironmentException;
import dev.taskboard.devops.task.Agents;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.Printable;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one task: claim it (compare-and-set), run its runbook section — pre once, then
 * deploy and verify with retries, rollback after the last failure — and write the outcome. Each
 * transition goes to the journal before the board.
 */
final class TaskExecution {
  private static final Logger LOG = LoggerFactory.getLogger(TaskExecution.class);

  private final WorkerConfig config;
  private final Board board;
  private final Journal journal;
  private final StepRunner runner;
  private final Identity me;
  private final StopSignal stop;
  private final CountDownLatch stopped;
  private final Escalations escalations;
  private final GateStep gates;
  private final Progress progress;
  private final PendingWrites pending;
  private final Path runbookStateDir;

  TaskExecution(
      WorkerConfig config,
      Board board,
      Journal journal,
      StepRunner runner,
      Identity me,
      StopSignal stop,
      CountDownLatch stopped,
      Escalations escalations,
      Progress progress,
      PendingWrites pending,
      Path runbookStateDir,
      SignedDecisions signed) {
    this.config = config;
    this.board = board;
    this.journal = journal;
    this.runner = runner;
    this.me = me;
    this.stop = stop;
    this.stopped = stopped;
    this.escalations = escalations;
    this.progress = progress;
    this.pending = pending;
    this.runbookStateDir = runbookStateDir;
    this.gates = new GateStep(config, journal, escalations, signed);
  }

  private Map<String, Object> claimFields(Instant at) {
    Map<String, Object> claim = new LinkedHashMap<>();
    claim.put("status", TaskStatus.IN_PROGRESS.wireName());
    claim.put("started_at", at.toString());
    claim.put("updated_at", at.toString());
    claim.put(
        "claimed_by", Map.of("agent", Agents.DEVOPS_ENGINEER, "host", me.host(), "pid", me.pid()));
    return claim;
  }

  /** The step running now, its grace, and how long a stop may take at most (grace, rollback). */
  record Running(String what, Duration grace, Duration bound) {}

  private volatile Running running;

  /** The step running now, if one is. */
  Optional<Running> running() {
    return Optional.ofNullable(running);
  }

  /** A stop's longest wait: the grace, then every rollback step to its timeout, and a margin. */
  private static Duration stopBound(Section s) {
    return s.settings()
        .grace()
        .plus(s.settings().timeout().multipliedBy(s.steps(Phase.ROLLBACK).size()))
        .plusSeconds(10);
  }

  /** Who the worker is, for claims and the instance lock. */
  record Identity(String host, long pid) {}

  /**
   * Claims and runs {@code task}, as {@code read} showed it (with the evidence its gate needs);
   * false when another agent changed it first.
   */
  boolean run(Task task, Board.Selection read) throws IOException {
    Instant started = config.clock().instant();
    Map<String, Object> claim = claimFields(started);
    journal.claim(task.id(), me.pid(), me.host(), claim);
    try {
      board.patch(
          task.id(),
          patchOf(claim)
              .expect("status", text(TaskStatus.PENDING.wireName()))
              .expect("agent", text(Agents.DEVOPS_ENGINEER)));
    } catch (ExpectationFailedException changed) {
      journal.forget(task.id(), "not claimed: " + changed.getMessage());
      LOG.info("{}: not claimed, another agent changed it first", shown(task));
      return false;
    } catch (IOException notWritten) {
      // The board could not be written (half-written by another agent, or a writer ignoring the
      // lock kept replacing it): nothing was claimed; the next look tries again.
      journal.forget(task.id(), "not claimed: " + notWritten.getMessage());
      LOG.warn("{}: not claimed: {}", shown(task), notWritten.getMessage());
      return false;
    }
    LOG.info("{}: claimed ({})", shown(task), task.text("type"));
    finish(task, started, execute(task, read));
    return true;
  }

  /**
   * Runs from the start a task a dead worker claimed but had not begun to change (no deploy or
   * rollback step started): taking it over is a claim on the in_progress entry.
   */
  void rerun(Task task, Board.Selection read) throws IOException {
    Instant started = config.clock().instant();
    Map<String, Object> claim = claimFields(started);
    journal.claim(task.id(), me.pid(), me.host(), claim);
    try {
      board.patch(
          task.id(), patchOf(claim).expect("status", text(TaskStatus.IN_PROGRESS.wireName())));
    } catch (IOException changedOrNotWritten) {
      journal.forget(task.id(), "not taken over: " + changedOrNotWritten.getMessage());
      return;
    }
    finish(task, started, execute(task, read));
  }

  /**
   * Finishes a task a dead worker left in progress: verify; healthy → success, else rollback and
   * failure.
   */
  void reconcile(Task task, Journal.TaskRecord record) throws IOException {
    Instant started = config.clock().instant();
    Lookup lookup = lookup(task);
    String died = "The worker stopped mid-run (pid " + record.pid() + " on " + record.host() + ")";
    if (lookup.section().isEmpty()) {
      finish(
          task,
          started,
          Outcome.failed(
              died + "; its runbook section cannot be found, so nothing was verified.",
              0,
              null,
              Outcome.Rollback.NONE));
      return;
    }
    Section s = lookup.section().get();
    Optional<Outcome> untrusted = gates.untrustedRunbook(task, lookup.runbook().orElseThrow());
    if (untrusted.isPresent()) {
      finish(
          task,
          started,
          untrusted
              .get()
              .withMessage(
                  died
                      + "; nothing was verified or rolled back, because "
                      + untrusted.get().message()));
      return;
    }
    int attempt = record.attempts() + 1;
    Path log = logFile(task, attempt);
    Optional<TaskEnvironmentException> problem = payloadProblem(task, s);
    if (problem.isPresent()) {
      finish(
          task,
          started,
          Outcome.failed(
              died
                  + "; its payload cannot reach the runbook now, so nothing was verified or"
                  + " rolled back: "
                  + problem.get().getMessage(),
              attempt,
              log,
              Outcome.Rollback.NONE));
      return;
    }
    if (s.has(Phase.VERIFY)) {
      Failure failure = runPhase(task, s, Phase.VERIFY, attempt, log, stop);
      if (failure == null) {
        finish(
            task,
            started,
            Outcome.succeeded(
                died + "; after restart verify passed, so the deployment stands.",
                attempt,
                log,
                s.settings().url()));
        return;
      }
    }
    Outcome.Rollback rollback = rollback(task, s, attempt, log);
    String message = died + "; after restart verify did not pass" + rollbackSentence(rollback);
    List<String> asked = escalations.deploymentFailed(task, message, log, rollback.unsafe());
    finish(
        task,
        started,
        Outcome.failed(message, attempt, log, rollback)
            .with("follow_ups", Json.MAPPER.valueToTree(asked)));
  }

  private Outcome execute(Task task, Board.Selection read) throws IOException {
    Lookup lookup = lookup(task);
    if (lookup.section().isEmpty()) {
      return Outcome.blocked(lookup.problem());
    }
    Section s = lookup.section().get();
    Optional<Outcome> untrusted = gates.untrustedRunbook(task, lookup.runbook().orElseThrow());
    if (untrusted.isPresent()) {
      return untrusted.get();
    }
    Optional<TaskEnvironmentException> problem = payloadProblem(task, s);
    if (problem.isPresent()) {
      return unusable(problem.get());
    }
    GateStep.Result gate = gates.check(task, s, lookup.runbook().orElseThrow(), read);
    if (gate.held().isPresent()) {
      return gate.held().get();
    }
    Outcome outcome = deploy(task, s);
    return gate.json().map(json -> outcome.with("gates", json)).orElse(outcome);
  }

  /**
   * Why the task's data cannot reach its steps, found before any step runs: payload keys that
   * clash, or variables too large for the kernel.
   */
  private Optional<TaskEnvironmentException> payloadProblem(Task task, Section s)
      throws IOException {
    try {
      environment(task, s, 1, logFile(task, 1));
      return Optional.empty();
    } catch (TaskEnvironmentException e) {
      return Optional.of(e);
    }
  }

  /** Clashing keys block the task until an agent fixes it; a payload too large fails it. */
  private static Outcome unusable(TaskEnvironmentException e) {
    return e.kind() == TaskEnvironmentException.Kind.TOO_LARGE
        ? Outcome.failed(e.getMessage(), 0, null, Outcome.Rollback.NONE)
        : Outcome.blocked("Blocked: " + e.getMessage() + ", then set the task back to pending.");
  }

  private Outcome deploy(Task task, Section s) throws IOException {
    int attempts = s.settings().attempts();
    Path log = logFile(task, 1);
    if (s.has(Phase.PRE)) {
      Failure pre = runPhase(task, s, Phase.PRE, 1, log, stop);
      if (pre != null) {
        return Outcome.failed(
            "Pre-checks failed: " + pre.describe() + "; nothing was deployed.",
            1,
            log,
            Outcome.Rollback.NONE);
      }
    }
    Failure last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      log = logFile(task, attempt);
      last = runPhase(task, s, Phase.DEPLOY, attempt, log, stop);
      if (last == null && s.has(Phase.VERIFY)) {
        last = runPhase(task, s, Phase.VERIFY, attempt, log, stop);
      }
      if (last == null) {
        return Outcome.succeeded(
            successMessage(task, s, attempt), attempt, log, s.settings().url());
      }
      boolean interrupted = last.result().stopped() || stop.isRequested();
      if (!interrupted && attempt < attempts) {
        Duration wait = s.settings().backoffBefore(attempt + 1);
        LOG.info(
            "{}: attempt {} failed ({}); next in {}", shown(task), attempt, last.describe(), wait);
        interrupted = awaitStop(wait);
      }
      if (interrupted) {
        Outcome.Rollback rollback = rollback(task, s, attempt, log);
        return Outcome.failed(
            "Interrupted by shutdown during attempt "
                + attempt
                + " ("
                + last.describe()
                + ")"
                + rollbackSentence(rollback),
            attempt,
            log,
            rollback);
      }
    }
    Outcome.Rollback rollback = rollback(task, s, attempts, log);
    String message =
        "Failed after "
            + attempts
            + " attempt"
            + (attempts == 1 ? "" : "s")
            + ": "
            + last.describe()
            + rollbackSentence(rollback);
    Outcome failed = Outcome.failed(message, attempts, log, rollback);
    List<String> asked = escalations.deploymentFailed(task, message, log, rollback.unsafe());
    return failed.with("follow_ups", Json.MAPPER.valueToTree(asked));
  }

  /** E.g. "Deployed release 1.4.0 to staging on attempt 1 of 3; verify passed." */
  static String successMessage(Task task, Section s, int attempt) {
    JsonNode payload = task.json().path("payload");
    TaskType type = TaskType.of(task.text("type"));
    String release = payload.path("release").asText("");
    String environment = payload.path("environment").asText(type.environment());
    String what =
        type.gate().isPresent()
            ? "Deployed "
                + (release.isEmpty() ? "" : "release " + release + " ")
                + "to "
                + environment
            : "Finished " + type + (environment.isEmpty() ? "" : " for " + environment);
    String checked = s.has(Phase.VERIFY) ? "; verify passed." : "; its steps passed.";
    return what + " on attempt " + attempt + " of " + s.settings().attempts() + checked;
  }

  private static String rollbackSentence(Outcome.Rollback rollback) {
    return switch (rollback) {
      case NONE -> "; the runbook has no rollback for it.";
      case DONE -> "; rolled back.";
      case FAILED -> "; the rollback failed too, so the environment may be in an unknown state.";
      case NOT_STARTED ->
          "; its rollback could not start, so nothing was rolled back and the environment may be"
              + " in an unknown state.";
    };
  }

  /** Runs the rollback phase even during shutdown (bounded by each step's timeout). */
  private Outcome.Rollback rollback(Task task, Section s, int attempt, Path log)
      throws IOException {
    if (!s.has(Phase.ROLLBACK)) {
      return Outcome.Rollback.NONE;
    }
    LOG.warn("{}: rolling back", shown(task));
    Failure failure = runPhase(task, s, Phase.ROLLBACK, attempt, log, new StopSignal());
    if (failure == null) {
      return Outcome.Rollback.DONE;
    }
    // A rollback whose first step could not even start changed nothing: none was performed.
    boolean nothingRan = !failure.result().started() && failure.step().index() == 1;
    return nothingRan ? Outcome.Rollback.NOT_STARTED : Outcome.Rollback.FAILED;
  }

  /** Waits out a backoff; true when a stop was requested meanwhile. */
  private boolean awaitStop(Duration wait) throws IOException {
    try {
      return stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted during backoff");
    }
  }

  /** The task's runbook section, or why there is none. */
  record Lookup(Optional<Runbook> runbook, Optional<Section> section, String problem) {}

  private Lookup lookup(Task task) {
    return lookup(config, task);
  }

  static Lookup lookup(WorkerConfig config, Task task) {
    String type = task.text("type");
    String fix = "; fix it and set the task back to pending.";
    try {
      Runbook runbook = Runbook.load(config.runbook(), config.runbookFiles());
      JsonNode chosen = task.json().path("payload").path("runbook");
      Optional<Section> section =
          chosen.isTextual() ? runbook.section(type, chosen.asText()) : runbook.section(type);
      return new Lookup(
          Optional.of(runbook),
          section,
          "No runbook section for task type "
              + type
              + "; add a '## "
              + type
              + "' section to "
              + config.runbook().getFileName()
              + " and set the task back to pending.");
    } catch (RunbookException e) {
      return new Lookup(
          Optional.empty(),
          Optional.empty(),
          "The runbook cannot be used: " + e.getMessage() + fix);
    } catch (IOException e) {
      return new Lookup(
          Optional.empty(),
          Optional.empty(),
          "The runbook cannot be read: " + e.getMessage() + fix);
    }
  }

  /** A failed step and what it returned. */
  record Failure(Step step, StepResult result) {
    String describe() {
      String how =
          result.timedOut()
              ? "timed out"
              : result.stopped() ? "was stopped" : "exited " + result.exitCode();
      String last =
          result.lastLine() == null || result.lastLine().isBlank()
              ? ""
              : " (last output: " + result.lastLine().strip() + ")";
      return step.name() + " " + how + last;
    }
  }

  private Failure runPhase(
      Task task, Section s, Phase phase, int attempt, Path log, StopSignal signal)
      throws IOException {
    Map<String, String> env = environment(task, s, attempt, log);
    for (Step step : s.steps(phase)) {
      journal.stepStart(task.id(), attempt, step.name());
      LOG.info("{}: {} started (attempt {})", shown(task), step.name(), attempt);
      progress.started(task.id(), step.name(), log);
      running = new Running(step.name() + " of " + shown(task), s.settings().grace(), stopBound(s));
      StepResult r;
      try {
        r =
            runner.run(
                step,
                s.settings(),
                env,
                log,
                signal,
                started -> journalProcess(task, step, started));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException(task.id() + ": interrupted in " + step.name());
      }
      String how = r.timedOut() ? "timeout" : r.stopped() ? "stopped" : r.ok() ? "ok" : "failed";
      progress.finished();
      running = null;
      journal.stepEnd(task.id(), attempt, step.name(), r.exitCode(), r.duration().toMillis(), how);
      LOG.info(
          "{}: {} {} in {} ms (exit {})",
          shown(task),
          step.name(),
          how,
          r.duration().toMillis(),
          r.exitCode());
      if (!r.ok()) {
        Redactor redactor = Redactor.of(env, s.settings().redact());
        return new Failure(
            step, r.withLastLine(redactor.redact(r.lastLine() == null ? "" : r.lastLine())));
      }
    }
    return null;
  }

  private Map<String, String> environment(Task task, Section s, int attempt, Path log)
      throws TaskEnvironmentException {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("DEVOPS_STATE_DIR", runbookStateDir.toAbsolutePath().toString());
    extra.put("RUNBOOK_DIR", config.runbook().toAbsolutePath().getParent().toString());
    extra.put("TASK_LOG", log.toAbsolutePath().toString());
    return TaskEnvironment.of(
        task.id(), task.text("type"), attempt, task.json().path("payload"), s.settings(), extra);
  }

  private void journalProcess(Task task, Step step, ProcessHandle process) {
    try {
      journal.stepProcess(
          task.id(),
          step.name(),
          process.pid(),
          process.info().startInstant().map(Instant::toString).orElse(""));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Path logFile(Task task, int attempt) throws IOException {
    Path dir = config.logs().resolve(logDirName(task.id()));
    Files.createDirectories(dir);
    return dir.resolve("attempt-" + attempt + ".log");
  }

  /**
   * A directory name for any id an agent may write ({@code ..}, 300 bytes, slashes, a newline): its
   * safe characters, at most 40, and a hash of the whole id, so no two ids share a directory.
   */
  static String logDirName(String id) {
    String safe = id.replaceAll("[^A-Za-z0-9._-]", "_");
    safe = safe.substring(0, Math.min(safe.length(), 40)).replaceFirst("^\\.", "_");
    return safe + "-" + Locations.sha256(id).substring(0, 8);
  }

  /**
   * Ends a task whose run went wrong in a way no runbook step caused (a file the worker could not
   * write, a bug): failed, with the reason in one line.
   */
  void failUnexpectedly(Task task, Exception e) throws IOException {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    why = why.lines().findFirst().orElse("").strip();
    finish(
        task,
        config.clock().instant(),
        Outcome.failed(
            "The worker could not run this task: "
                + why
                + "; fix that and set the task back to pending.",
            0,
            null,
            Outcome.Rollback.NONE));
  }

  /** Writes the outcome: journal first, then the board. */
  private void finish(Task task, Instant started, Outcome outcome) throws IOException {
    Instant now = config.clock().instant();
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("status", outcome.success() ? "success" : "failure");
    result.put("message", outcome.message());
    result.put("attempts", outcome.attempts());
    result.put("duration_ms", Duration.between(started, now).toMillis());
    if (outcome.log() != null) {
      result.put("log", outcome.log().toString());
      result.set("log_tail", Json.MAPPER.valueToTree(LogTail.of(outcome.log())));
    }
    ObjectNode info = result.putObject("deployment_info");
    TaskType type = TaskType.of(task.text("type"));
    outcome.url().ifPresent(url -> info.put(type.urlKey(), url));
    info.put("rollback_performed", outcome.rollback().performed());
    info.put("rollback", outcome.rollback().wireName());
    result.setAll(outcome.extra());
    String status = outcome.status(type).wireName();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("status", status);
    fields.put("updated_at", now.toString());
    fields.put("result", Json.MAPPER.convertValue(result, Map.class));
    journal.outcome(task.id(), status, outcome.message(), fields);
    LOG.info("{}: {} — {}", shown(task), status, outcome.message());
    try {
      board.patch(task.id(), patchOf(fields));
    } catch (TaskNotFoundException gone) {
      // The outcome stays in the journal: should a stale copy bring the task back (in_progress,
      // from a writer ignoring the lock), the worker restores how it ended instead of leaving it
      // in_progress; a deliberate re-add (pending, newer updated_at) is a new request as always.
      LOG.warn("{}: removed from the board by another agent mid-run", shown(task));
    } catch (IOException notWritten) {
      pending.add(task.id(), notWritten);
    }
  }

  /** The task's id as a log line may show it. */
  static String shown(Task task) {
    return Printable.of(task.id());
  }

  private static JsonNode text(String value) {
    return Json.MAPPER.getNodeFactory().textNode(value);
  }

  static Patch patchOf(Map<String, Object> fields) {
    Patch patch = Patch.empty();
    for (Map.Entry<String, Object> f : fields.entrySet()) {
      patch = patch.set(f.getKey(), Json.MAPPER.valueToTree(f.getValue()));
    }
    return patch;
  }
}
