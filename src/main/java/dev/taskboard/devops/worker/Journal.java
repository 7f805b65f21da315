package dev.taskboard.devops.worker;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * The worker's own truth about its transitions: an append-only JSON-lines file, each line on disk
 * (fsynced) before the board says the thing happened. Read back on start to reconcile tasks a dead
 * worker left in progress and to restore entries a stale copy of the board reverted.
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

  /** What a human decided through an entry. */
  record Decision(
      String task, String hitl, String kind, String decision, String text, String release) {}

  private final Map<String, HitlRecord> hitl = new LinkedHashMap<>();
  private final Map<String, List<Decision>> decisions = new LinkedHashMap<>();
  private final Path file;
  private final Clock clock;
  private final FileChannel out;
  private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();

  private Journal(Path file, Clock clock, FileChannel out) {
    this.file = file;
    this.clock = clock;
    this.out = out;
  }

  /** Opens (creating) the journal and reads what it already holds. */
  static Journal open(Path file, Clock clock) throws IOException {
    Files.createDirectories(file.getParent());
    Journal journal =
        new Journal(
            file,
            clock,
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    for (Map<String, Object> event : read(file)) {
      journal.apply(event);
    }
    return journal;
  }

  /** The journal's view without opening it for writing (for status and reports). */
  static Journal readOnly(Path file, Clock clock) throws IOException {
    Journal journal = new Journal(file, clock, null);
    for (Map<String, Object> event : read(file)) {
      journal.apply(event);
    }
    return journal;
  }

  /** Every task the journal knows, most recently claimed last. */
  List<TaskRecord> tasks() {
    return List.copyOf(tasks.values());
  }

  /** Every event in the file; a torn last line (a crash mid-append) is skipped with a warning. */
  static List<Map<String, Object>> read(Path file) throws IOException {
    List<Map<String, Object>> events = new ArrayList<>();
    if (!Files.exists(file)) {
      return events;
    }
    int lineNumber = 0;
    // Decoded leniently: a line torn inside a multi-byte character (a crash mid-append) must
    // only make that line unreadable, not the whole journal (readAllLines would throw).
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    for (String line : text.split("\n", -1)) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      try {
        events.add(JSON.std.mapFrom(line));
      } catch (IOException e) {
        LOG.warn(
            "{}:{}: skipping an unreadable journal line (a crash mid-write?)", file, lineNumber);
      }
    }
    return events;
  }

  Path file() {
    return file;
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
  List<Decision> decisions(String task) {
    return List.copyOf(decisions.getOrDefault(task, List.of()));
  }

  void hitl(String task, String hitlId, String kind, List<String> checks, String release)
      throws IOException {
    append(
        event(
            "hitl",
            task,
            Map.of("hitl", hitlId, "kind", kind, "checks", checks, "release", release)));
  }

  void decision(
      String task, String hitlId, String kind, String decision, String text, String release)
      throws IOException {
    append(
        event(
            "decision",
            task,
            Map.of(
                "hitl", hitlId,
                "kind", kind,
                "decision", decision,
                "text", text,
                "release", release)));
  }

  /** A response the worker read but could not act on; it waits for the human to change it. */
  void hitlSeen(String task, String hitlId, String response) throws IOException {
    append(event("hitl_seen", task, Map.of("hitl", hitlId, "response", response)));
  }

  void claim(String task, long pid, String host, Map<String, Object> fields) throws IOException {
    append(event("claim", task, Map.of("pid", pid, "host", host, "fields", fields)));
  }

  void wrote(String task, Map<String, Object> fields) throws IOException {
    append(event("wrote", task, Map.of("fields", fields)));
  }

  void stepStart(String task, int attempt, String step) throws IOException {
    append(event("step_start", task, Map.of("attempt", attempt, "step", step)));
  }

  /** The process of the step just started, so a later worker can kill it if this one dies. */
  void stepProcess(String task, String step, long pid, String started) throws IOException {
    append(event("step_process", task, Map.of("step", step, "pid", pid, "started", started)));
  }

  void stepEnd(String task, int attempt, String step, int exitCode, long durationMs, String how)
      throws IOException {
    append(
        event(
            "step_end",
            task,
            Map.of(
                "attempt", attempt,
                "step", step,
                "exit", exitCode,
                "duration_ms", durationMs,
                "how", how)));
  }

  void outcome(String task, String status, String message, Map<String, Object> fields)
      throws IOException {
    append(event("outcome", task, Map.of("status", status, "message", message, "fields", fields)));
  }

  /** A free-form note (restore, requeue, reconcile) that also updates nothing but history. */
  void note(String kind, String task, String message) throws IOException {
    append(event(kind, task, Map.of("message", message)));
  }

  /** A deliberate re-queue: forget the worker's state so the task runs as a new request. */
  void forget(String task, String message) throws IOException {
    append(event("requeue", task, Map.of("message", message)));
  }

  private Map<String, Object> event(String kind, String task, Map<String, Object> more) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("ts", clock.instant().toString());
    e.put("event", kind);
    e.put("task", task);
    e.putAll(more);
    return e;
  }

  private synchronized void append(Map<String, Object> event) throws IOException {
    if (out == null) {
      throw new IllegalStateException("journal opened read-only");
    }
    byte[] line = (JSON.std.asString(event) + "\n").getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.wrap(line);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
    out.force(false);
    apply(event);
  }

  @SuppressWarnings("unchecked")
  private void apply(Map<String, Object> e) {
    String id = String.valueOf(e.get("task"));
    String kind = String.valueOf(e.get("event"));
    if (applyHitl(kind, id, e)) {
      return;
    }
    TaskRecord r = tasks.get(id);
    Map<String, Object> written =
        r == null ? new LinkedHashMap<>() : new LinkedHashMap<>(r.written());
    Object fields = e.get("fields");
    if (fields instanceof Map<?, ?> f) {
      written.putAll((Map<String, Object>) f);
    }
    long pid = r == null ? 0 : r.pid();
    String host = r == null ? "" : r.host();
    int attempts = r == null ? 0 : r.attempts();
    boolean open = r != null && r.open();
    String outcome = r == null ? null : r.outcome();
    long stepPid = r == null ? 0 : r.stepPid();
    boolean changing = r != null && r.changing();
    String stepStarted = r == null ? "" : r.stepStarted();
    switch (kind) {
      case "claim" -> {
        open = true;
        pid = ((Number) e.get("pid")).longValue();
        host = String.valueOf(e.get("host"));
        attempts = 0;
        outcome = null;
        changing = false;
      }
      case "step_start" -> {
        attempts = Math.max(attempts, ((Number) e.get("attempt")).intValue());
        String step = String.valueOf(e.get("step"));
        changing |= step.startsWith("deploy#") || step.startsWith("rollback#");
      }
      case "step_process" -> {
        stepPid = ((Number) e.get("pid")).longValue();
        stepStarted = String.valueOf(e.get("started"));
      }
      case "step_end" -> stepPid = 0;
      case "outcome" -> {
        open = false;
        outcome = String.valueOf(e.get("status"));
      }
      case "requeue" -> {
        tasks.remove(id);
        return;
      }
      default -> {}
    }
    tasks.put(
        id,
        new TaskRecord(
            id, written, open, pid, host, attempts, outcome, stepPid, stepStarted, changing));
  }

  @SuppressWarnings("unchecked")
  private boolean applyHitl(String kind, String task, Map<String, Object> e) {
    String hitlId = String.valueOf(e.get("hitl"));
    switch (kind) {
      case "hitl" -> {
        Object checks = e.get("checks");
        hitl.put(
            hitlId,
            new HitlRecord(
                hitlId,
                task,
                String.valueOf(e.get("kind")),
                Instant.parse(String.valueOf(e.get("ts"))),
                checks instanceof List<?> l ? (List<String>) l : List.of(),
                String.valueOf(e.getOrDefault("release", "")),
                false,
                ""));
        return true;
      }
      case "decision" -> {
        decisions
            .computeIfAbsent(task, t -> new ArrayList<>())
            .add(
                new Decision(
                    task,
                    hitlId,
                    String.valueOf(e.get("kind")),
                    String.valueOf(e.get("decision")),
                    String.valueOf(e.get("text")),
                    String.valueOf(e.getOrDefault("release", ""))));
        hitl.computeIfPresent(hitlId, (k, h) -> h.handledNow());
        return true;
      }
      case "hitl_seen" -> {
        String response = String.valueOf(e.get("response"));
        hitl.computeIfPresent(hitlId, (k, h) -> h.seen(response));
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
