package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.ExpectationFailedException;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.board.TaskNotFoundException;
import dev.taskboard.devops.hitl.Entry;
import dev.taskboard.devops.hitl.EntryRef;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.hitl.HumanResponse;
import dev.taskboard.devops.hitl.Lookup;
import dev.taskboard.devops.hitl.Reading;
import dev.taskboard.devops.hitl.Requests;
import dev.taskboard.devops.task.Agents;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.Printable;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.trust.Decision;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

  private final WorkerConfig config;
  private final Board board;
  private final Journal journal;
  private final HumanRequests humans;
  private final SignedDecisions decisions;
  private final Set<String> problems = new HashSet<>(); // logged once each

  Answers(
      WorkerConfig config,
      Board board,
      Journal journal,
      HumanRequests humans,
      SignedDecisions decisions) {
    this.config = config;
    this.board = board;
    this.journal = journal;
    this.humans = humans;
    this.decisions = decisions;
  }

  /**
   * Acts on new answers and timed-out approvals; true when it changed a task. Only entries the
   * worker wrote count: the id and the nonce its journal holds, one entry with that id.
   *
   * @throws IOException when human-requests.md cannot be read (e.g. not UTF-8): nothing is acted
   *     on, the board's work goes on
   */
  boolean process(Supplier<Duration> timeout) throws IOException {
    if (journal.openHitl().isEmpty() || !Files.exists(humans.file())) {
      return false;
    }
    Reading reading = humans.read();
    if (reading instanceof Reading.Unreadable unreadable) {
      throw new IOException(unreadable.message());
    }
    Requests requests = ((Reading.Ok) reading).requests();
    Duration approvalTimeout = timeout.get();
    boolean changed = false;
    Instant now = config.clock().instant();
    for (Journal.HitlRecord h : journal.openHitl()) {
      if (h.asked().nonce().isEmpty()) {
        continue; // asked by an earlier version: its entry carries no mark of the worker's
      }
      EntryRef ref = new EntryRef(h.id(), h.asked().nonce());
      Lookup found = requests.find(ref);
      if (found.mine().isEmpty()) {
        found.problem().filter(problems::add).ifPresent(p -> LOG.warn("{}", p));
        continue; // removed by a human, or copied by someone else: the task stays as it is
      }
      HumanResponse response = found.mine().get().humanResponse();
      if (!response.isEmpty() && !response.text().equals(h.lastSeen())) {
        changed |= act(h, ref, found.mine().get());
      } else if (waitsForDecision(h) && h.created().plus(approvalTimeout).isBefore(now)) {
        changed |= timeOut(h, ref, approvalTimeout);
      }
    }
    return changed;
  }

  private static boolean waitsForDecision(Journal.HitlRecord h) {
    return h.kind().equals(Escalations.APPROVAL) || h.kind().equals(Escalations.EVIDENCE);
  }

  private boolean act(Journal.HitlRecord h, EntryRef ref, Entry entry) throws IOException {
    HumanResponse answer = entry.humanResponse();
    String seen = answer.text(); // what "already read" compares
    String response = entry.response().orElse(seen); // the words, as people read them
    if (!waitsForDecision(h) && !h.kind().equals(Escalations.RUNBOOK)) {
      journal.decided(h, "noted", response, "", "");
      record(h, "human_responses", "noted", response, "");
      humans.resolve(ref, "Recorded on " + h.task() + " (human_responses).");
      return true;
    }
    SignedDecisions.Reading reading = decisions.read(h, answer);
    if (reading instanceof SignedDecisions.NotAccepted no) {
      journal.hitlSeen(h.task(), h.id(), seen);
      humans.note(ref, "Not acted on: " + no.reason() + ".");
      LOG.warn(
          "{}: the answer in {} is not acted on: {}", Printable.of(h.task()), h.id(), no.reason());
      return false;
    }
    SignedDecisions.Accepted yes = (SignedDecisions.Accepted) reading;
    String by = yes.principal().isEmpty() ? "unsigned" : yes.principal();
    if (h.kind().equals(Escalations.RUNBOOK)) {
      return runbookDecided(h, ref, yes, response, by);
    }
    switch (yes.decision()) {
      case APPROVE -> {
        journal.decided(h, "approved", response, yes.principal(), yes.signature());
        boolean requeued = requeue(h, h.task(), "approved", response, yes.principal());
        humans.resolve(
            ref,
            requeued
                ? "Approved ("
                    + by
                    + "); "
                    + h.task()
                    + " is pending again and the worker will deploy it."
                : "Approved ("
                    + by
                    + "), but "
                    + h.task()
                    + " was no longer blocked; nothing changed.");
        return requeued;
      }
      case RETRY -> {
        journal.decided(h, "retry", response, yes.principal(), yes.signature());
        boolean requeued = requeue(h, h.task(), "retry", response, yes.principal());
        humans.resolve(ref, "The worker re-runs the gates of " + h.task() + " (" + by + ").");
        return requeued;
      }
      default -> {
        journal.decided(h, "rejected", response, yes.principal(), yes.signature());
        fail(
            h,
            h.task(),
            "rejected",
            response,
            yes.principal(),
            "Rejected by "
                + (yes.principal().isEmpty() ? "a human" : yes.principal())
                + " in "
                + h.id()
                + ".");
        humans.resolve(ref, "Rejected (" + by + "); " + h.task() + " marked failed.");
        return true;
      }
    }
  }

  /**
   * A signer's answer to a runbook request: approved → every task waiting on it is pending again;
   * rejected → they fail. The runbook's trust itself is the journal's signed decision, verified
   * again whenever a task is about to run.
   */
  private boolean runbookDecided(
      Journal.HitlRecord h, EntryRef ref, SignedDecisions.Accepted yes, String response, String by)
      throws IOException {
    boolean approved = yes.decision() == Decision.APPROVE;
    String decision = approved ? "approved" : "rejected";
    journal.decided(h, decision, response, yes.principal(), yes.signature());
    int changed = 0;
    for (String task : waitingOn(h)) {
      if (approved) {
        changed += requeue(h, task, "runbook_trusted", response, yes.principal()) ? 1 : 0;
      } else {
        fail(
            h,
            task,
            "runbook_rejected",
            response,
            yes.principal(),
            "The runbook it would run was rejected by " + by + " in " + h.id() + ".");
        changed++;
      }
    }
    humans.resolve(
        ref,
        (approved ? "Runbook trusted (" : "Runbook change rejected (")
            + by
            + "); "
            + changed
            + (approved ? " waiting task(s) pending again." : " waiting task(s) marked failed."));
    return changed > 0;
  }

  /** The tasks blocked on request {@code h}: its own task and every one naming it in its result. */
  private List<String> waitingOn(Journal.HitlRecord h) throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    ids.add(h.task());
    for (Task t : board.select(BLOCKED)) {
      if (t.json().path("result").path("hitl").asText("").equals(h.id())) {
        ids.add(t.id());
      }
    }
    return List.copyOf(ids);
  }

  private static final TaskFilter BLOCKED =
      TaskFilter.parse("[?(@.agent == '" + Agents.DEVOPS_ENGINEER + "' && @.status == 'blocked')]");

  private boolean timeOut(Journal.HitlRecord h, EntryRef ref, Duration timeout) throws IOException {
    String message =
        "Approval timed out: no answer in " + h.id() + " within " + human(timeout) + ".";
    journal.decided(h, "timed_out", "", "", "");
    fail(h, h.task(), "timed_out", "", "", message);
    humans.resolve(
        ref,
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
  private boolean requeue(
      Journal.HitlRecord h, String taskId, String decision, String text, String principal)
      throws IOException {
    Instant now = config.clock().instant();
    try {
      board.update(
          taskId,
          task ->
              Patch.empty()
                  .set("status", Json.valueOf(TaskStatus.PENDING.wireName()))
                  .set("updated_at", Json.valueOf(now.toString()))
                  .set(
                      "approvals",
                      appended(task, "approvals", decision, text, h.id(), now, principal))
                  .expect("status", Json.valueOf(TaskStatus.BLOCKED.wireName())));
    } catch (ExpectationFailedException | TaskNotFoundException gone) {
      LOG.warn(
          "{}: {} answered in {}, but the task is no longer blocked",
          Printable.of(taskId),
          decision,
          h.id());
      return false;
    }
    journal.forget(taskId, decision + " in " + h.id() + "; pending again");
    LOG.info("{}: {} in {}; pending again", Printable.of(taskId), decision, h.id());
    return true;
  }

  /**
   * Fails the task: the journal first, then the board, where the decision is appended to {@code
   * approvals} under the lock. Should the board not take it now, the next look restores the
   * journal's fields.
   */
  private void fail(
      Journal.HitlRecord h,
      String taskId,
      String decision,
      String text,
      String principal,
      String message)
      throws IOException {
    Instant now = config.clock().instant();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("status", TaskStatus.FAILED.wireName());
    fields.put("updated_at", now.toString());
    fields.put("result.status", "failure");
    fields.put("result.message", message);
    journal.outcome(taskId, TaskStatus.FAILED.wireName(), message, fields);
    try {
      board.update(
          taskId,
          task ->
              TaskExecution.patchOf(fields)
                  .set(
                      "approvals",
                      appended(task, "approvals", decision, text, h.id(), now, principal)));
    } catch (TaskNotFoundException gone) {
      journal.forget(taskId, "answered, but no longer on the board");
      return;
    }
    LOG.info("{}: failed — {}", Printable.of(taskId), message);
  }

  private void record(
      Journal.HitlRecord h, String field, String decision, String text, String principal)
      throws IOException {
    try {
      board.update(
          h.task(),
          task ->
              Patch.empty()
                  .set(
                      field,
                      appended(
                          task,
                          field,
                          decision,
                          text,
                          h.id(),
                          config.clock().instant(),
                          principal)));
    } catch (TaskNotFoundException gone) {
      LOG.warn(
          "{}: answered in {}, but the task is gone from the board",
          Printable.of(h.task()),
          h.id());
    }
  }

  private static ArrayNode appended(
      Task task,
      String field,
      String decision,
      String text,
      String hitl,
      Instant at,
      String principal) {
    JsonNode existing = task.json().path(field);
    ArrayNode list =
        existing.isArray() ? (ArrayNode) existing.deepCopy() : Json.MAPPER.createArrayNode();
    ObjectNode entry = list.addObject();
    entry.put("decision", decision);
    entry.put("text", text);
    entry.put("time", at.toString());
    entry.put("hitl", hitl);
    entry.put("recorded_by", Agents.DEVOPS_ENGINEER);
    entry.put("signed_by", principal.isEmpty() ? "unsigned" : principal);
    return list;
  }

  private static String human(Duration d) {
    return d.toHours() >= 1 && d.toMinutesPart() == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
  }
}
