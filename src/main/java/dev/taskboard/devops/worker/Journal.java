package dev.taskboard.devops.worker;

import dev.taskboard.devops.hitl.EntryRef;
import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.journal.JournalEvent.AnswerSeen;
import dev.taskboard.devops.journal.JournalEvent.Asked;
import dev.taskboard.devops.journal.JournalEvent.Claim;
import dev.taskboard.devops.journal.JournalEvent.Decided;
import dev.taskboard.devops.journal.JournalEvent.Deferred;
import dev.taskboard.devops.journal.JournalEvent.Outcome;
import dev.taskboard.devops.journal.JournalEvent.Requeue;
import dev.taskboard.devops.journal.JournalEvent.Restore;
import dev.taskboard.devops.journal.JournalEvent.State;
import dev.taskboard.devops.journal.JournalEvent.StepEnded;
import dev.taskboard.devops.journal.JournalEvent.StepProcess;
import dev.taskboard.devops.journal.JournalEvent.StepStarted;
import dev.taskboard.devops.journal.JournalEvent.Summary;
import dev.taskboard.devops.journal.JournalFile;
import dev.taskboard.devops.task.TaskStatus;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
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

  /** What the journal says about one task; {@code at} is when it last changed. */
  record TaskRecord(
      String id,
      Instant at,
      Map<String, Object> written,
      boolean open,
      long pid,
      String host,
      int attempts,
      String outcome,
      long stepPid,
      String stepStarted,
      boolean changing,
      boolean deployStepRan) {
    TaskRecord {
      written = Collections.unmodifiableMap(new LinkedHashMap<>(written));
    }

    static TaskRecord claimed(Claim c) {
      return new TaskRecord(
          c.task(), c.at(), c.fields(), true, c.pid(), c.host(), 0, null, 0, "", false, false);
    }

    static TaskRecord of(State s) {
      return new TaskRecord(
          s.task(),
          s.at(),
          s.written(),
          s.open(),
          s.pid(),
          s.host(),
          s.attempts(),
          s.outcome(),
          s.stepPid(),
          s.stepStarted(),
          s.changing(),
          s.deployStepRan());
    }

    State state() {
      return new State(
          at,
          id,
          written,
          open,
          pid,
          host,
          attempts,
          outcome,
          stepPid,
          stepStarted,
          changing,
          deployStepRan);
    }

    TaskRecord stepStarted(StepStarted s) {
      return new TaskRecord(
          id,
          s.at(),
          written,
          open,
          pid,
          host,
          Math.max(attempts, s.attempt()),
          outcome,
          stepPid,
          stepStarted,
          changing || s.changes(),
          deployStepRan || s.step().startsWith("deploy#"));
    }

    TaskRecord stepProcess(long processPid, String started, Instant when) {
      return new TaskRecord(
          id,
          when,
          written,
          open,
          pid,
          host,
          attempts,
          outcome,
          processPid,
          started,
          changing,
          deployStepRan);
    }

    TaskRecord ended(Outcome o) {
      Map<String, Object> all = new LinkedHashMap<>(written);
      all.putAll(o.fields());
      return new TaskRecord(
          id,
          o.at(),
          all,
          false,
          pid,
          host,
          attempts,
          o.status(),
          stepPid,
          stepStarted,
          changing,
          deployStepRan);
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
  record HitlRecord(Asked asked, boolean handled, String lastSeen) {
    String id() {
      return asked.hitl();
    }

    String task() {
      return asked.task();
    }

    String kind() {
      return asked.kind();
    }

    Instant created() {
      return asked.at();
    }

    List<String> checks() {
      return asked.checks();
    }

    String release() {
      return asked.release();
    }

    HitlRecord handledNow() {
      return new HitlRecord(asked, true, lastSeen);
    }

    HitlRecord seen(String response) {
      return new HitlRecord(asked, handled, response);
    }
  }

  private final Map<String, HitlRecord> hitl = new LinkedHashMap<>();
  private final Map<String, List<Decided>> decisions = new LinkedHashMap<>();
  private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();

  /** Events beyond which the journal is rewritten to what the worker and the report still need. */
  static final int COMPACT_AFTER = 10_000;

  /**
   * How long the worker remembers what it wrote to a finished task, to restore it should a stale
   * copy of the board revert it. The history {@code report} reads is kept whole.
   */
  static final Duration REMEMBER = Duration.ofDays(30);

  private final Clock clock;
  private final Path file;
  private final int compactAfter;
  private final Map<String, Deferred> deferred = new LinkedHashMap<>(); // task + "\n" + kind
  private JournalFile out; // null: read-only
  private int events;

  private Journal(Clock clock, Path file, int compactAfter) {
    this.clock = clock;
    this.file = file;
    this.compactAfter = compactAfter;
  }

  /**
   * Opens (creating) the journal and reads what it already holds; a journal grown past {@link
   * #COMPACT_AFTER} events is compacted first, so start-up and memory do not grow with history.
   */
  static Journal open(Path file, Clock clock) throws IOException {
    return open(file, clock, COMPACT_AFTER);
  }

  /** As {@link #open(Path, Clock)}, compacting after {@code compactAfter} events. */
  static Journal open(Path file, Clock clock, int compactAfter) throws IOException {
    Journal journal = read(file, clock, compactAfter);
    if (journal.events > compactAfter) {
      journal.compact();
    }
    journal.out = JournalFile.append(file);
    return journal;
  }

  /** The journal's view without opening it for writing (for status and plan). */
  static Journal readOnly(Path file, Clock clock) throws IOException {
    return read(file, clock, COMPACT_AFTER);
  }

  private static Journal read(Path file, Clock clock, int compactAfter) throws IOException {
    Journal journal = new Journal(clock, file, compactAfter);
    JournalFile.Read read = JournalFile.read(file);
    read.warnings().forEach(w -> LOG.warn("{}", w));
    read.events().forEach(journal::apply);
    journal.events = read.events().size();
    return journal;
  }

  /**
   * Rewrites the journal to what is still needed: one summary per finished run (the history), the
   * worker's record of each task that is open or changed within {@link #REMEMBER}, the open
   * requests to humans, and recent decisions — sealed anew, then read back into memory.
   */
  private void compact() throws IOException {
    Instant horizon = clock.instant().minus(REMEMBER);
    List<JournalEvent> kept = new ArrayList<>();
    Set<String> deploying = new HashSet<>();
    for (JournalEvent e : JournalFile.read(file).events()) {
      if (e instanceof Claim || e instanceof Requeue) {
        deploying.remove(e.task());
      } else if (e instanceof StepStarted s && s.step().startsWith("deploy#")) {
        deploying.add(e.task());
      } else if (e instanceof Outcome o) {
        boolean ran = deploying.remove(o.task());
        kept.add(
            new Summary(
                o.at(),
                o.task(),
                o.status(),
                o.message(),
                o.rollback(),
                o.attempts(),
                o.deployStepRan() != null ? o.deployStepRan() : ran));
      } else if (e instanceof Summary) {
        kept.add(e);
      }
    }
    for (TaskRecord r : tasks.values()) {
      if (r.open() || r.at().isAfter(horizon)) {
        kept.add(r.state());
      }
    }
    for (HitlRecord h : hitl.values()) {
      if (!h.handled() || h.created().isAfter(horizon)) {
        kept.add(h.asked());
        if (!h.lastSeen().isEmpty()) {
          kept.add(new AnswerSeen(h.created(), h.task(), h.id(), h.lastSeen()));
        }
      }
    }
    decisions.values().stream()
        .flatMap(List::stream)
        .filter(d -> d.at().isAfter(horizon) || !finished(d.task()))
        .forEach(kept::add);
    kept.addAll(deferred.values()); // questions still to ask
    JournalFile.rewrite(file, kept);
    LOG.info("{}: compacted {} events to {}", file, events, kept.size());
    tasks.clear();
    hitl.clear();
    decisions.clear();
    deferred.clear();
    kept.forEach(this::apply);
    events = kept.size();
  }

  /** Whether the worker's last word on the task was a final status. */
  private boolean finished(String task) {
    return task(task)
        .filter(r -> !r.open())
        .flatMap(TaskRecord::status)
        .flatMap(TaskStatus::of)
        .map(s -> s.finished() || s == TaskStatus.FAILED)
        .orElse(false);
  }

  /** Every task the journal knows, most recently claimed last. */
  List<TaskRecord> tasks() {
    return List.copyOf(tasks.values());
  }

  Optional<TaskRecord> task(String id) {
    return Optional.ofNullable(tasks.get(id));
  }

  /** Ids of the tasks claimed and not finished. */
  Set<String> openIds() {
    Set<String> out = new HashSet<>();
    tasks.values().stream().filter(TaskRecord::open).forEach(r -> out.add(r.id()));
    return out;
  }

  /**
   * Ids of finished tasks whose status on the board ({@code statuses}, id → status) is not the one
   * the worker last wrote: a stale copy written back, or a re-queue — what the worker must look at
   * in full. The others need no reading: nothing about them changed that the worker acts on.
   */
  Set<String> statusChanged(Map<String, String> statuses) {
    Set<String> out = new HashSet<>();
    for (TaskRecord r : tasks.values()) {
      String onBoard = statuses.get(r.id());
      if (!r.open() && onBoard != null && r.status().map(s -> !s.equals(onBoard)).orElse(false)) {
        out.add(r.id());
      }
    }
    return out;
  }

  /** Tasks claimed and not finished: what a worker that died left behind. */
  List<TaskRecord> open() {
    return tasks.values().stream().filter(TaskRecord::open).toList();
  }

  Optional<HitlRecord> hitl(String id) {
    return Optional.ofNullable(hitl.get(id));
  }

  /** The entry the worker asked about {@code task} for {@code kind} and has not acted on yet. */
  Optional<EntryRef> openRef(String task, String kind) {
    return openHitl().stream()
        .filter(h -> h.task().equals(task) && h.kind().equals(kind) && !h.asked().nonce().isEmpty())
        .reduce((first, last) -> last)
        .map(h -> new EntryRef(h.id(), h.asked().nonce()));
  }

  /** The open request asking humans to trust the runbook whose digest is {@code digest}. */
  Optional<EntryRef> openRunbookRef(String digest) {
    return openHitl().stream()
        .filter(
            h -> h.kind().equals(Escalations.RUNBOOK) && h.asked().runbookDigest().equals(digest))
        .filter(h -> !h.asked().nonce().isEmpty())
        .reduce((first, last) -> last)
        .map(h -> new EntryRef(h.id(), h.asked().nonce()));
  }

  /** Every decision on requests of {@code kind}, oldest first. */
  List<Decided> decisionsOn(String kind) {
    return decisions.values().stream()
        .flatMap(List::stream)
        .filter(d -> d.kind().equals(kind))
        .toList();
  }

  /** The fingerprint (section summaries) the last trusted runbook had, when one was trusted. */
  Optional<List<String>> lastTrustedRunbook() {
    return decisionsOn(Escalations.RUNBOOK).stream()
        .filter(d -> d.decision().equals("approved"))
        .reduce((first, last) -> last)
        .flatMap(d -> hitl(d.hitl()))
        .map(HitlRecord::checks);
  }

  /** Entries the worker wrote and has not acted on yet. */
  List<HitlRecord> openHitl() {
    return hitl.values().stream().filter(h -> !h.handled()).toList();
  }

  /** Every decision humans made about {@code task}, oldest first; kept across re-queues. */
  List<Decided> decisions(String task) {
    return List.copyOf(decisions.getOrDefault(task, List.of()));
  }

  /** The worker asked the humans; see {@link Asked}. */
  void asked(
      String task,
      String hitlId,
      String kind,
      List<String> checks,
      String release,
      String environment,
      String runbookDigest,
      String nonce)
      throws IOException {
    append(
        new Asked(now(), task, hitlId, kind, checks, release, environment, runbookDigest, nonce));
  }

  /** A human decided; see {@link Decided}. */
  void decided(HitlRecord h, String decision, String text, String principal, String signature)
      throws IOException {
    append(
        new Decided(
            now(), h.task(), h.id(), h.kind(), decision, text, h.release(), principal, signature));
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
    boolean deployed = task(task).map(TaskRecord::deployStepRan).orElse(false);
    append(new Outcome(now(), task, status, message, fields, deployed));
  }

  /** The worker wrote its last fields back over a stale copy of the board. */
  void restored(String task, String message) throws IOException {
    append(new Restore(now(), task, message));
  }

  /** A question the worker could not write yet; see {@link Deferred}. */
  void defer(String task, String kind, Map<String, Object> request) throws IOException {
    append(new Deferred(now(), task, kind, request));
  }

  /** Questions still to ask, oldest first. */
  synchronized List<Deferred> deferred() {
    return List.copyOf(deferred.values());
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
      apply(event);
      if (++events > compactAfter) {
        out.close();
        compact();
        out = JournalFile.append(file);
      }
    } catch (IOException e) {
      throw new WorkerFailure("cannot write its journal " + file + ": " + e.getMessage(), e);
    }
  }

  private void apply(JournalEvent e) {
    if (e instanceof Deferred d) {
      deferred.put(d.task() + "\n" + d.kind(), d);
    } else if (e instanceof Asked a) {
      deferred.remove(a.task() + "\n" + a.kind());
      hitl.put(a.hitl(), new HitlRecord(a, false, ""));
    } else if (e instanceof Decided d) {
      decisions.computeIfAbsent(d.task(), t -> new ArrayList<>()).add(d);
      hitl.computeIfPresent(d.hitl(), (k, h) -> h.handledNow());
    } else if (e instanceof AnswerSeen s) {
      hitl.computeIfPresent(s.hitl(), (k, h) -> h.seen(s.response()));
    } else if (e instanceof Requeue) {
      tasks.remove(e.task());
    } else if (!(e instanceof Summary)) {
      applyToTask(e);
    }
  }

  private void applyToTask(JournalEvent e) {
    TaskRecord r = tasks.get(e.task());
    if (e instanceof Claim c) {
      tasks.put(c.task(), TaskRecord.claimed(c));
      return;
    }
    if (e instanceof State st) {
      tasks.put(st.task(), TaskRecord.of(st));
      return;
    }
    if (r == null) {
      r = new TaskRecord(e.task(), e.at(), Map.of(), false, 0, "", 0, null, 0, "", false, false);
    }
    if (e instanceof StepStarted s) {
      r = r.stepStarted(s);
    } else if (e instanceof StepProcess p) {
      r = r.stepProcess(p.pid(), p.started(), p.at());
    } else if (e instanceof StepEnded) {
      r = r.stepProcess(0, r.stepStarted(), e.at());
    } else if (e instanceof Outcome o) {
      r = r.ended(o);
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
