package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.BoardException;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.files.BusyFileException;
import dev.taskboard.devops.gate.Check;
import dev.taskboard.devops.gate.GateReport;
import dev.taskboard.devops.hitl.Entry;
import dev.taskboard.devops.hitl.EntryRef;
import dev.taskboard.devops.hitl.Escalation;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.hitl.HumanRequestsException;
import dev.taskboard.devops.hitl.Priority;
import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.task.Agents;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.Printable;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the worker asks of others when a task cannot go on: fix tasks for Task-Coder, escalations
 * for Product-Manager, entries in human-requests.md. Each carries a key made of the task id and the
 * reason, so the same failure never asks twice — across retries, re-scans and restarts.
 */
final class Escalations {
  private static final Logger LOG = LoggerFactory.getLogger(Escalations.class);
  static final String KEY_PATH = "payload.followup_key";

  /** Kinds of human-requests entries; approval and evidence entries wait for an answer. */
  static final String APPROVAL = "approval";

  static final String EVIDENCE = "evidence";
  static final String DEPLOY_FAILED = "deploy-failed";

  /** A runbook whose content no signer has trusted yet. */
  static final String RUNBOOK = "runbook";

  static final String ROLLBACK_FAILED = "rollback-failed";

  private final Board board;
  private final HumanRequests humans;
  private final Journal journal;
  private final Clock clock;
  private final Notifier notifier;

  Escalations(Board board, HumanRequests humans, Journal journal, Clock clock, Notifier notifier) {
    this.board = board;
    this.humans = humans;
    this.journal = journal;
    this.clock = clock;
    this.notifier = notifier;
  }

  /** A fix task per failing check and one risk escalation; returns their ids. */
  List<String> gateFailed(Task task, GateReport report, List<Check> failed) throws IOException {
    List<String> ids = new ArrayList<>();
    for (Check check : failed) {
      ObjectNode details = Json.MAPPER.createObjectNode();
      details.put("blocked_task", task.id());
      details.put("failing_check", check.name());
      details.put("evidence", check.evidence());
      ids.add(
          fixTask(
              task,
              task.id() + "/gate-failed/" + check.name(),
              "Fix " + check.name() + " so " + task.id() + " can deploy",
              "The "
                  + report.gate()
                  + " quality gate blocked "
                  + task.id()
                  + ": "
                  + check.evidence()
                  + ".",
              details));
    }
    ObjectNode risk = Json.MAPPER.createObjectNode();
    risk.put("title", "Quality gate blocked " + task.id() + ": assess the risk");
    risk.put(
        "description",
        "The "
            + report.gate()
            + " gate of "
            + task.id()
            + " failed "
            + failed.size()
            + " check(s): "
            + String.join("; ", failed.stream().map(c -> c.name() + " — " + c.evidence()).toList())
            + ". Fix tasks: "
            + String.join(", ", ids)
            + ". Decide whether to wait for the fixes or re-plan the release.");
    risk.put("blocked_task", task.id());
    risk.set("fix_tasks", Json.MAPPER.valueToTree(ids));
    ids.add(
        add(
            task,
            TaskType.ESCALATION_REQUEST.wireName(),
            Agents.PRODUCT_MANAGER,
            "high",
            task.id() + "/gate-failed/escalation",
            risk));
    return ids;
  }

  /** Asks for missing evidence (or a waiver); returns the entry id. */
  String evidenceRequest(
      Task task, GateReport report, List<Check> inconclusive, String runbookDigest)
      throws IOException {
    List<String> names = inconclusive.stream().map(Check::name).toList();
    List<String> context = new ArrayList<>();
    inconclusive.forEach(c -> context.add(c.name() + ": " + c.evidence()));
    context.add(
        "how to give evidence: see \"Gate evidence\" in the README (payload.gates.<check>, related Tester/Code-Reviewer tasks, result files)");
    return escalate(
        task,
        EVIDENCE,
        names,
        "Evidence missing for " + String.join(", ", names) + " (" + task.id() + ")",
        "Gate Evidence",
        Priority.HIGH,
        "The "
            + report.gate()
            + " gate of "
            + task.id()
            + " has no evidence for "
            + String.join(", ", names)
            + ". Add the evidence, then a human runs devops-worker retry "
            + "<this entry's id>; devops-worker approve <id> deploys without it (a signed waiver),"
            + " devops-worker reject <id> fails the task.",
        context,
        runbookDigest);
  }

  /**
   * Asks a signer to trust the runbook's current content: one entry per digest, whatever the number
   * of tasks waiting on it; {@code sections} summarises it, {@code changes} what differs from the
   * content trusted last. Returns the entry id.
   */
  String runbookRequest(Task task, String digest, List<String> sections, List<String> changes)
      throws IOException {
    List<String> context = new ArrayList<>(changes);
    context.add("sections now: " + String.join(", ", sections));
    context.add("digest: " + digest);
    return escalate(
        task,
        RUNBOOK,
        sections,
        "Trust the runbook's steps (" + digest.substring(0, Math.min(digest.length(), 19)) + "…)",
        "Runbook Change",
        Priority.HIGH,
        "The runbook's steps are not the ones a signer trusted, so no deployment task runs"
            + " (waiting: "
            + task.id()
            + "). Review the change, then a signer runs devops-worker trust-runbook.",
        context,
        digest,
        journal.openRunbookRef(digest));
  }

  /** Asks a stakeholder to approve a production deployment; returns the entry id. */
  String approvalRequest(Task task, GateReport report, String runbookDigest) throws IOException {
    String release = release(task);
    List<String> context = new ArrayList<>();
    report.checks().stream()
        .filter(c -> !c.name().equals("stakeholder_approval"))
        .forEach(c -> context.add(c.name() + ": " + c.verdict().wireName() + " — " + c.evidence()));
    String what = release.isEmpty() ? task.id() : "release " + release;
    return escalate(
        task,
        APPROVAL,
        List.of(),
        "Approve production deployment of " + what + " (" + task.id() + ")",
        "Deployment Approval",
        Priority.HIGH,
        "Deploy "
            + what
            + " to production now? A human decides with devops-worker approve <this entry's id>"
            + " or devops-worker reject <id> (signed with their SSH key; see README).",
        context,
        runbookDigest);
  }

  /** After the last failed attempt: a fix task (deployment types) and a human-requests entry. */
  List<String> deploymentFailed(Task task, String message, Path log, boolean rollbackFailed)
      throws IOException {
    List<String> ids = new ArrayList<>();
    TaskType type = TaskType.of(task.text("type"));
    boolean production = type.equals(TaskType.DEPLOYMENT_PRODUCTION);
    if (type.deploysRelease()) {
      ObjectNode details = Json.MAPPER.createObjectNode();
      details.put("failed_task", task.id());
      details.put("log", log == null ? "" : log.toString());
      ids.add(
          fixTask(
              task,
              task.id() + "/deploy-failed/fix",
              "Fix the failed " + type.environment() + " deployment of " + task.id(),
              message,
              details));
    }
    List<String> context = new ArrayList<>();
    context.add("what happened: " + message);
    context.add("log: " + (log == null ? "none" : log));
    context.add("fix task: " + (ids.isEmpty() ? "none" : ids.get(0)));
    if (rollbackFailed) {
      ids.add(
          escalate(
              task,
              ROLLBACK_FAILED,
              List.of(),
              "Rollback failed for " + task.id() + ": environment may be in an unknown state",
              "Incident",
              Priority.CRITICAL,
              "The rollback of "
                  + task.id()
                  + " failed, so the environment may be in an unknown state. Please check it and answer with what you did.",
              context,
              ""));
    } else {
      ids.add(
          escalate(
              task,
              DEPLOY_FAILED,
              List.of(),
              "Deployment failed: " + task.id() + " (" + type + ")",
              "Deployment Failure",
              production ? Priority.CRITICAL : Priority.HIGH,
              task.id()
                  + " failed and was rolled back where the runbook allows. Review the log; answer with any instructions (they are recorded on the task).",
              context,
              ""));
    }
    return ids;
  }

  /** An urgent fix for Task-Coder that blocks the deployment until it is done. */
  private String fixTask(
      Task blocked, String key, String title, String description, ObjectNode details)
      throws IOException {
    ObjectNode payload = Json.MAPPER.createObjectNode();
    payload.put("title", title);
    payload.put("description", description);
    payload.setAll(details);
    payload.put("blocking_deployment", true);
    return add(blocked, TaskType.URGENT_FIX.wireName(), Agents.TASK_CODER, "urgent", key, payload);
  }

  private String add(
      Task blocked, String type, String agent, String priority, String key, ObjectNode payload)
      throws IOException {
    payload.put("created_by", Agents.DEVOPS_ENGINEER);
    payload.put("followup_key", key);
    ObjectNode task = Json.MAPPER.createObjectNode();
    task.put("type", type);
    task.put("status", TaskStatus.PENDING.wireName());
    task.put("agent", agent);
    task.put("priority", priority);
    String now = clock.instant().toString();
    task.put("created_at", now);
    task.put("updated_at", now);
    if (!blocked.text("source_story_id").isEmpty()) {
      task.put("source_story_id", blocked.text("source_story_id"));
    }
    if (!blocked.text("sprint_id").isEmpty()) {
      task.put("sprint_id", blocked.text("sprint_id"));
    }
    task.set("payload", payload);
    Task added = addRetrying(task);
    LOG.info(
        "{}: follow-up {} for {} ({})",
        Printable.of(blocked.id()),
        Printable.of(added.id()),
        agent,
        Printable.of(key));
    return added.id();
  }

  private String escalate(
      Task task,
      String kind,
      List<String> checks,
      String title,
      String type,
      Priority priority,
      String question,
      List<String> context,
      String runbookDigest)
      throws IOException {
    return escalate(
        task,
        kind,
        checks,
        title,
        type,
        priority,
        question,
        context,
        runbookDigest,
        journal.openRef(task.id(), kind));
  }

  private String escalate(
      Task task,
      String kind,
      List<String> checks,
      String title,
      String type,
      Priority priority,
      String question,
      List<String> context,
      String runbookDigest,
      Optional<EntryRef> asked)
      throws IOException {
    Escalation escalation =
        new Escalation(key(task.id(), kind), title, type, priority, task.id(), question, context);
    Entry entry;
    try {
      humans.createIfMissing();
      // The journal, not the file, knows what the worker asked: an entry an agent wrote with the
      // same key is never taken for the worker's own.
      entry =
          asked.isPresent()
              ? humans.escalate(escalation, asked.get())
              : humans.escalate(escalation);
    } catch (HumanRequestsException unusable) {
      // The task still ends in its state; the question is kept in the journal and asked as soon
      // as the file can be written again (askDeferred), never forgotten.
      LOG.error("{}", unusable.getMessage());
      if (asked.isEmpty()) {
        journal.defer(
            task.id(),
            kind,
            deferredRequest(escalation, checks, release(task), environment(task), runbookDigest));
      }
      return NO_ENTRY_YET + unusable.getMessage() + "; it is asked once the file can be written)";
    }
    EntryRef ref = entry.ref().orElseThrow();
    if (!asked.equals(Optional.of(ref))) {
      journal.asked(
          task.id(),
          ref.id(),
          kind,
          checks,
          release(task),
          environment(task),
          runbookDigest,
          ref.nonce());
      notifier.newRequest(ref.id(), title, task.id(), priority.wireName(), humans.file());
    }
    LOG.info(
        "{}: asked the humans in {} of {} ({})",
        Printable.of(task.id()),
        ref.id(),
        humans.file().getFileName(),
        kind);
    return ref.id();
  }

  /** How a follow-up names a question not yet written (its place in {@code follow_ups}). */
  static final String NO_ENTRY_YET = "no entry yet (";

  private static Map<String, Object> deferredRequest(
      Escalation e, List<String> checks, String release, String environment, String digest) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", e.key());
    m.put("title", e.title());
    m.put("type", e.type());
    m.put("priority", e.priority().wireName());
    m.put("question", e.question());
    m.put("context", e.context());
    m.put("checks", checks);
    m.put("release", release);
    m.put("environment", environment);
    m.put("runbook", digest);
    return m;
  }

  /**
   * Asks the questions the worker could not write when it had to (human-requests.md unreadable
   * then): each becomes its entry now, and the task's {@code result.follow_ups} names it in place
   * of the "no entry yet" note. Stops at the first refusal: the file is still unusable.
   */
  void askDeferred() throws IOException {
    for (JournalEvent.Deferred d : journal.deferred()) {
      Map<String, Object> r = d.request();
      Escalation escalation =
          new Escalation(
              text(r, "key"),
              text(r, "title"),
              text(r, "type"),
              Priority.fromWire(text(r, "priority")).orElse(Priority.HIGH),
              d.task(),
              text(r, "question"),
              texts(r, "context"));
      Entry entry;
      try {
        humans.createIfMissing();
        entry = humans.escalate(escalation);
      } catch (HumanRequestsException stillUnusable) {
        return; // logged when it was deferred; the next look tries again
      }
      EntryRef ref = entry.ref().orElseThrow();
      journal.asked(
          d.task(),
          ref.id(),
          d.kind(),
          texts(r, "checks"),
          text(r, "release"),
          text(r, "environment"),
          text(r, "runbook"),
          ref.nonce());
      notifier.newRequest(
          ref.id(), escalation.title(), d.task(), escalation.priority().wireName(), humans.file());
      LOG.info(
          "{}: asked the humans in {} of {} ({}), now that the file can be written",
          Printable.of(d.task()),
          ref.id(),
          humans.file().getFileName(),
          d.kind());
      try {
        board.update(
            d.task(),
            t -> {
              ArrayNode followUps = Json.MAPPER.createArrayNode();
              t.json()
                  .path("result")
                  .path("follow_ups")
                  .forEach(
                      f -> {
                        if (!f.asText().startsWith(NO_ENTRY_YET)) {
                          followUps.add(f);
                        }
                      });
              followUps.add(ref.id());
              return Patch.empty().set("result.follow_ups", followUps);
            });
      } catch (IOException notNow) {
        LOG.warn(
            "{}: asked in {}, but its follow_ups could not be updated: {}",
            Printable.of(d.task()),
            ref.id(),
            notNow.getMessage());
      }
    }
  }

  private static String text(Map<String, Object> m, String name) {
    Object v = m.get(name);
    return v == null ? "" : v.toString();
  }

  private static List<String> texts(Map<String, Object> m, String name) {
    List<String> out = new ArrayList<>();
    if (m.get(name) instanceof List<?> list) {
      list.forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }

  /**
   * Adds a follow-up, trying again for a few seconds while the board cannot be read or written
   * (another agent's write half done, a writer ignoring the lock): the task's own outcome must not
   * be replaced by a neighbour's bad moment. Past that, the error reaches the caller.
   *
   * <p>Why a bounded back-off here and not in {@code LockedUpdate}: that protocol rightly refuses a
   * file that is unreadable when its lock is taken (a real problem for every other caller), and
   * nothing signals the end of a writer that ignores the lock. Keeping the follow-up for a later
   * look instead (as unwritten questions are, {@code hitl_deferred}) is the next step if seconds
   * prove too short.
   */
  private Task addRetrying(ObjectNode task) throws IOException {
    long waitMillis = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        return board.addIfAbsent(task, KEY_PATH);
      } catch (BoardException | BusyFileException notNow) {
        if (attempt == 6) {
          throw notNow;
        }
        LOG.warn("follow-up not added yet ({}); trying again", notNow.getMessage());
      }
      try {
        Thread.sleep(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while adding a follow-up task", e);
      }
      waitMillis *= 2;
    }
  }

  /**
   * The key an entry carries: the task id (escaped, so an id with a line break or an escape
   * sequence cannot break the entry) and the kind of request. Informational only: the worker finds
   * its entries by id and nonce.
   */
  static String key(String taskId, String kind) {
    return Printable.escaped(taskId) + "/" + kind;
  }

  /** {@code payload.environment}, else the one the task's type names (staging, production). */
  static String environment(Task task) {
    String given = task.json().path("payload").path("environment").asText("");
    return given.isBlank() ? TaskType.of(task.text("type")).environment() : given;
  }

  static String release(Task task) {
    return task.json().path("payload").path("release").asText("");
  }
}
