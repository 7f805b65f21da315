package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.ExpectationFailedException;
import dev.taskboard.devops.board.Json;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskNotFoundException;
import dev.taskboard.devops.hitl.Entry;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.task.Agents;
import dev.taskboard.devops.task.Printable;
import dev.taskboard.devops.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the humans' answers to the worker's entries in human-requests.md and acts on them: approve
 * → the task is pending again with the decision recorded; reject → failed; anything else →
 * recorded, and the entry says which answers it understands. Unanswered approval requests time out.
 */
final class Answers {
  private static final Logger LOG = LoggerFactory.getLogger(Answers.class);
  static final Set<String> APPROVE = Set.of("approve", "approved", "yes", "lgtm");
  static final Set<String> REJECT = Set.of("reject", "rejected", "no");
  static final Set<String> RETRY = Set.of("retry", "rerun", "re-run");

  private final WorkerConfig config;
  private final Board board;
  private final Journal journal;
  private final HumanRequests humans;

  Answers(WorkerConfig config, Board board, Journal journal, HumanRequests humans) {
    this.config = config;
    this.board = board;
    this.journal = journal;
    this.humans = humans;
  }

  /** Acts on new answers and timed-out approvals; true when it changed a task. */
  boolean process(Supplier<Duration> timeout) throws IOException {
    if (journal.openHitl().isEmpty() || !Files.exists(humans.file())) {
      return false;
    }
    Duration approvalTimeout = timeout.get();
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (Entry e : humans.entries()) {
      entries.putIfAbsent(e.id(), e);
    }
    boolean changed = false;
    Instant now = config.clock().instant();
    for (Journal.HitlRecord h : journal.openHitl()) {
      Entry entry = entries.get(h.id());
      if (entry == null) {
        continue; // a human removed it; the task stays as it is
      }
      Optional<String> response = entry.response();
      if (response.isPresent() && !response.get().equals(h.lastSeen())) {
        changed |= act(h, response.get());
      } else if (waitsForDecision(h) && h.created().plus(approvalTimeout).isBefore(now)) {
        changed |= timeOut(h, approvalTimeout);
      }
    }
    return changed;
  }

  private static boolean waitsForDecision(Journal.HitlRecord h) {
    return h.kind().equals(Escalations.APPROVAL) || h.kind().equals(Escalations.EVIDENCE);
  }

  private boolean act(Journal.HitlRecord h, String response) throws IOException {
    String word = firstWord(response);
    if (!waitsForDecision(h)) {
      journal.decision(h.task(), h.id(), h.kind(), "noted", response, h.release());
      record(h, "human_responses", "noted", response);
      humans.resolve(h.id(), "Recorded on " + h.task() + " (human_responses).");
      return true;
    }
    if (APPROVE.contains(word)) {
      journal.decision(h.task(), h.id(), h.kind(), "approved", response, h.release());
      boolean requeued = requeue(h, "approved", response);
      humans.resolve(
          h.id(),
          requeued
              ? "Approved; " + h.task() + " is pending again and the worker will deploy it."
              : "Approved, but " + h.task() + " was no longer blocked; nothing changed.");
      return requeued;
    }
    if (RETRY.contains(word) && h.kind().equals(Escalations.EVIDENCE)) {
      journal.decision(h.task(), h.id(), h.kind(), "retry", response, h.release());
      boolean requeued = requeue(h, "retry", response);
      humans.resolve(h.id(), "The worker re-runs the gates of " + h.task() + ".");
      return requeued;
    }
    if (REJECT.contains(word)) {
      journal.decision(h.task(), h.id(), h.kind(), "rejected", response, h.release());
      fail(h, "rejected", response, "Rejected by a human in " + h.id() + ": " + response);
      humans.resolve(h.id(), "Rejected; " + h.task() + " marked failed.");
      return true;
    }
    journal.hitlSeen(h.task(), h.id(), response);
    record(h, "approvals", "unclear", response);
    humans.note(
        h.id(),
        "Not understood. Answer approve (or approved, yes, lgtm)"
            + (h.kind().equals(Escalations.EVIDENCE) ? ", retry once the evidence is there," : "")
            + " or reject (or rejected, no).");
    LOG.warn("{}: the answer in {} is neither approve nor reject: {}", h.task(), h.id(), response);
    return false;
  }

  private boolean timeOut(Journal.HitlRecord h, Duration timeout) throws IOException {
    String message =
        "Approval timed out: no answer in " + h.id() + " within " + human(timeout) + ".";
    journal.decision(h.task(), h.id(), h.kind(), "timed_out", "", h.release());
    fail(h, "timed_out", "", message);
    humans.resolve(
        h.id(),
        "Timed out after "
            + human(timeout)
            + " without an answer; "
            + h.task()
            + " marked failed.");
    return true;
  }

  /**
   * Sets a blocked task back to pending with the decision appended to its {@code approvals}, all
   * computed under the board's lock; false if it is not blocked any more.
   */
  private boolean requeue(Journal.HitlRecord h, String decision, String text) throws IOException {
    Instant now = config.clock().instant();
    try {
      board.update(
          h.task(),
          task ->
              Patch.empty()
                  .set("status", Json.valueOf(TaskStatus.PENDING.wireName()))
                  .set("updated_at", Json.valueOf(now.toString()))
                  .set("approvals", appended(task, "approvals", decision, text, h.id(), now))
                  .expect("status", Json.valueOf(TaskStatus.BLOCKED.wireName())));
    } catch (ExpectationFailedException | TaskNotFoundException gone) {
      LOG.warn(
          "{}: {} answered in {}, but the task is no longer blocked",
          Printable.of(h.task()),
          decision,
          h.id());
      return false;
    }
    journal.forget(h.task(), decision + " in " + h.id() + "; pending again");
    LOG.info("{}: {} in {}; pending again", Printable.of(h.task()), decision, h.id());
    return true;
  }

  /**
   * Fails the task: the journal first, then the board, where the decision is appended to {@code
   * approvals} under the lock. Should the board not take it now, the next look restores the
   * journal's fields.
   */
  private void fail(Journal.HitlRecord h, String decision, String text, String message)
      throws IOException {
    Instant now = config.clock().instant();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("status", TaskStatus.FAILED.wireName());
    fields.put("updated_at", now.toString());
    fields.put("result.status", "failure");
    fields.put("result.message", message);
    journal.outcome(h.task(), TaskStatus.FAILED.wireName(), message, fields);
    try {
      board.update(
          h.task(),
          task ->
              TaskExecution.patchOf(fields)
                  .set("approvals", appended(task, "approvals", decision, text, h.id(), now)));
    } catch (TaskNotFoundException gone) {
      journal.forget(h.task(), "answered, but no longer on the board");
      return;
    }
    LOG.info("{}: failed — {}", Printable.of(h.task()), message);
  }

  private void record(Journal.HitlRecord h, String field, String decision, String text)
      throws IOException {
    try {
      board.update(
          h.task(),
          task ->
              Patch.empty()
                  .set(
                      field,
                      appended(task, field, decision, text, h.id(), config.clock().instant())));
    } catch (TaskNotFoundException gone) {
      LOG.warn(
          "{}: answered in {}, but the task is gone from the board",
          Printable.of(h.task()),
          h.id());
    }
  }

  private static ArrayNode appended(
      Task task, String field, String decision, String text, String hitl, Instant at) {
    JsonNode existing = task.json().path(field);
    ArrayNode list =
        existing.isArray() ? (ArrayNode) existing.deepCopy() : Json.MAPPER.createArrayNode();
    ObjectNode entry = list.addObject();
    entry.put("decision", decision);
    entry.put("text", text);
    entry.put("time", at.toString());
    entry.put("hitl", hitl);
    entry.put("recorded_by", Agents.DEVOPS_ENGINEER);
    return list;
  }

  static String firstWord(String response) {
    String[] words = response.strip().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}-]+");
    for (String w : words) {
      if (!w.isEmpty()) {
        return w;
      }
    }
    return "";
  }

  private static String human(Duration d) {
    return d.toHours() >= 1 && d.toMinutesPart() == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
  }
}
