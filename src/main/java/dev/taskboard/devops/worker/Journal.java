package dev.taskboard.devops.worker;

import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.journal.JournalEvent.AnswerSeen;
import dev.taskboard.devops.journal.JournalEvent.Asked;
import dev.taskboard.devops.journal.JournalEvent.Claim;
import dev.taskboard.devops.journal.JournalEvent.Decided;
import dev.taskboard.devops.journal.JournalEvent.Outcome;
import dev.taskboard.devops.journal.JournalEvent.Requeue;
import dev.taskboard.devops.journal.JournalEvent.Restore;
import dev.taskboard.devops.journal.JournalEvent.StepEnded;
import dev.taskboard.devops.journal.JournalEvent.StepProcess;
import dev.taskboard.devops.journal.JournalEvent.StepStarted;
import dev.taskboard.devops.journal.JournalFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's own truth about its transitions, rebuilt from the journal's events on start: which
 * tasks it claimed and has not finished (a dead worker's orphans), what it last wrote to each task
 * (to restore entries a stale copy of the board reverted), what it asked humans and what they
 * decided. Every new event is on disk before the board says the thing happened.
 */
final class Journal implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  /** What the journal says about one task. */
  record TaskRecord(
      String id,
      Map<String, Object> written,
      boolean open,
      long pid,
      String host,
      int attempts,
      String outcome,
      long stepPid,
      String stepStarted,
      boolean changing) {
    TaskRecord {
      written = Collections.unmodifiableMap(new LinkedHashMap<>(written));
    }

    /** The status the worker last wrote to the task. */
    Optional<String> status() {
      return Optional.ofNullable((String) written.get("status"));
    }

    /** The updated_at the worker last wrote to the task. */
    Optional<String> updatedAt() {
      return Optional.ofNullable((String) written.get("updated_at"));
    }
  }

  /** A human-requests.md entry the worker wrote, and whether it has acted on it. */
  record HitlRecord(
      String id,
      String task,
      String kind,
      Instant created,
      List<String> checks,
      String release,
      boolean handled,
      String lastSeen) {
    HitlRecord {
      checks = List.copyOf(checks);
    }

    HitlRecord handledNow() {
      return new HitlRecord(id, task, kind, created, checks, release, true, lastSeen);
    }

    HitlRecord seen(String response) {
      return new HitlRecord(id, task, kind, created, checks, release, handled, response);
    }
  }

  private final Map<String, HitlRecord> hitl = new LinkedHashMap<>();
  private final Map<String, List<Decided>> decisions = new LinkedHashMap<>();
  private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
  private final Clock clock;
  private final JournalFile out;

  private Journal(Clock clock, JournalFile out) {
    this.clock = clock;
    this.out = out;
  }

  /** Opens (creating) the journal and reads what it already holds. */
  static Journal open(Path file, Clock clock) throws IOException {
    Journal journal = readOnly(file, clock);
    return journal.withOutput(JournalFile.append(file));
  }

  /** The journal's view without opening it for writing (for status and plan). */
  static Journal readOnly(Path file, Clock clock) throws IOException {
    Journal journal = new Journal(clock, null);
    JournalFile.Read read = JournalFile.read(file);
    read.warnings().forEach(w -> LOG.warn("{}", w));
    read.events().forEach(journal::apply);
    return journal;
  }

  private Journal withOutput(JournalFile file) {
    Journal journal = new Journal(clock, file);
    journal.hitl.putAll(hitl);
    journal.decisions.putAll(decisions);
    journal.tasks.putAll(tasks);
    return journal;
  }

  /** Every task the journal knows, most recently claimed last. */
  List<TaskRecord> tasks() {
    return List.copyOf(tasks.values());
  }

  Optional<TaskRecord> task(String id) {
    return Optional.ofNullable(tasks.get(id));
  }

  /** Ids of the tasks this worker has written to. */
  Set<String> knownIds() {
    return Set.copyOf(tasks.keySet());
  }

  /** Tasks claimed and not finished: what a worker that died left behind. */
  List<TaskRecord> open() {
    return tasks.values().stream().filter(TaskRecord::open).toList();
  }

  Optional<HitlRecord> hitl(String id) {
    return Optional.ofNullable(hitl.get(id));
  }

  /** Entries the worker wrote and has not acted on yet. */
  List<HitlRecord> openHitl() {
    return hitl.values().stream().filter(h -> !h.handled()).toList();
  }

  /** Every decision humans made about {@code task}, oldest first; kept across re-queues. */
  List<Decided> decisions(String task) {
    return List.copyOf(decisions.getOrDefault(task, List.of()));
  }

  void hitl(String task, String hitlId, String kind, List<String> checks, String release)
      throws IOException {
    append(new Asked(now(), task, hitlId, kind, checks, release));
  }

  void decision(
      String task, String hitlId, String kind, String decision, String text, String release)
      throws IOException {
    append(new Decided(now(), task, hitlId, kind, decision, text, release));
  }

  /** A response the worker read but could not act on; it waits for the human to change it. */
  void hitlSeen(String task, String hitlId, String response) throws IOException {
    append(new AnswerSeen(now(), task, hitlId, response));
  }

  void claim(String task, long pid, String host, Map<String, Object> fields) throws IOException {
    append(new Claim(now(), task, pid, host, fields));
  }

  void stepStart(String task, int attempt, String step) throws IOException {
    append(new StepStarted(now(), task, attempt, step));
  }

  /** The process of the step just started, so a later worker can kill it if this one dies. */
  void stepProcess(String task, String step, long pid, String started) throws IOException {
    append(new StepProcess(now(), task, step, pid, started));
  }

  void stepEnd(String task, int attempt, String step, int exitCode, long durationMs, String how)
      throws IOException {
    append(new StepEnded(now(), task, attempt, step, exitCode, durationMs, how));
  }

  void outcome(String task, String status, String message, Map<String, Object> fields)
      throws IOException {
    append(new Outcome(now(), task, status, message, fields));
  }

  /** The worker wrote its last fields back over a stale copy of the board. */
  void restored(String task, String message) throws IOException {
    append(new Restore(now(), task, message));
  }

  /** A deliberate re-queue: forget the worker's state so the task runs as a new request. */
  void forget(String task, String message) throws IOException {
    append(new Requeue(now(), task, message));
  }

  private Instant now() {
    return clock.instant();
  }

  private synchronized void append(JournalEvent event) throws IOException {
    if (out == null) {
      throw new IllegalStateException("journal opened read-only");
    }
    try {
      out.write(event);
    } catch (IOException e) {
      throw new WorkerFailure("cannot write its journal " + out.file() + ": " + e.getMessage(), e);
    }
    apply(event);
  }

  private void apply(JournalEvent e) {
    if (e instanceof Asked a) {
      hitl.put(
          a.hitl(),
          new HitlRecord(a.hitl(), a.task(), a.kind(), a.at(), a.checks(), a.release(), false, ""));
    } else if (e instanceof Decided d) {
      decisions.computeIfAbsent(d.task(), t -> new ArrayList<>()).add(d);
      hitl.computeIfPresent(d.hitl(), (k, h) -> h.handledNow());
    } else if (e instanceof AnswerSeen s) {
      hitl.computeIfPresent(s.hitl(), (k, h) -> h.seen(s.response()));
    } else if (e instanceof Requeue) {
      tasks.remove(e.task());
    } else {
      applyToTask(e);
    }
  }

  private void applyToTask(JournalEvent e) {
    TaskRecord r = tasks.get(e.task());
    if (r == null && !(e instanceof Claim)) {
      r = new TaskRecord(e.task(), Map.of(), false, 0, "", 0, null, 0, "", false);
    }
    Map<String, Object> written = new LinkedHashMap<>(r == null ? Map.of() : r.written());
    if (e instanceof Claim c) {
      written.putAll(c.fields());
      r = new TaskRecord(c.task(), written, true, c.pid(), c.host(), 0, null, 0, "", false);
    } else if (e instanceof StepStarted s) {
      r =
          new TaskRecord(
              r.id(),
              written,
              r.open(),
              r.pid(),
              r.host(),
              Math.max(r.attempts(), s.attempt()),
              r.outcome(),
              r.stepPid(),
              r.stepStarted(),
              r.changing() || s.changes());
    } else if (e instanceof StepProcess p) {
      r =
          new TaskRecord(
              r.id(),
              written,
              r.open(),
              r.pid(),
              r.host(),
              r.attempts(),
              r.outcome(),
              p.pid(),
              p.started(),
              r.changing());
    } else if (e instanceof StepEnded) {
      r =
          new TaskRecord(
              r.id(),
              written,
              r.open(),
              r.pid(),
              r.host(),
              r.attempts(),
              r.outcome(),
              0,
              r.stepStarted(),
              r.changing());
    } else if (e instanceof Outcome o) {
      written.putAll(o.fields());
      r =
          new TaskRecord(
              r.id(),
              written,
              false,
              r.pid(),
              r.host(),
              r.attempts(),
              o.status(),
              r.stepPid(),
              r.stepStarted(),
              r.changing());
    }
    tasks.put(e.task(), r);
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
