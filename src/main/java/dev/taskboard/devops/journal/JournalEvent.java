package dev.taskboard.devops.journal;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the worker's journal: something it did or learned about one task. The worker writes
 * these and rebuilds its state from them; {@code report} reads the same events.
 */
public sealed interface JournalEvent {
  /** When it happened. */
  Instant at();

  /** The task it is about. */
  String task();

  /** The worker claimed the task, writing {@code fields} to it. */
  record Claim(Instant at, String task, long pid, String host, Map<String, Object> fields)
      implements JournalEvent {
    public Claim {
      fields = copy(fields);
    }
  }

  /** A runbook step started (e.g. {@code deploy#1}). */
  record StepStarted(Instant at, String task, int attempt, String step) implements JournalEvent {
    /**
     * Whether the step changes the environment (deploy or rollback), so a crash after it needs
     * verifying.
     */
    public boolean changes() {
      return step.startsWith("deploy#") || step.startsWith("rollback#");
    }
  }

  /** The process of a step just started, so a later worker can stop it if this one dies. */
  record StepProcess(Instant at, String task, String step, long pid, String started)
      implements JournalEvent {}

  /** A step ended: {@code how} is ok, failed, timeout or stopped. */
  record StepEnded(
      Instant at, String task, int attempt, String step, int exit, long durationMs, String how)
      implements JournalEvent {}

  /**
   * The task's outcome, written to the board as {@code fields}; {@code deployStepRan} tells whether
   * a deploy step ran in this run (null in journals of versions that did not write it).
   */
  record Outcome(
      Instant at,
      String task,
      String status,
      String message,
      Map<String, Object> fields,
      Boolean deployStepRan)
      implements JournalEvent {
    public Outcome {
      fields = copy(fields);
    }

    public Outcome(
        Instant at, String task, String status, String message, Map<String, Object> fields) {
      this(at, task, status, message, fields, null);
    }

    /** {@code result.deployment_info.rollback_performed} as written. */
    public boolean rollbackPerformed() {
      return Boolean.TRUE.equals(
          map(map(fields.get("result")).get("deployment_info")).get("rollback_performed"));
    }

    /**
     * How its rollback went: none, succeeded, failed or not_started — {@code
     * result.deployment_info.rollback} as written; for versions that did not write it, from {@code
     * rollback_performed} and the message's closing sentence.
     */
    public String rollback() {
      Map<?, ?> info = map(map(fields.get("result")).get("deployment_info"));
      if (info.get("rollback") instanceof String s) {
        return s;
      }
      if (!rollbackPerformed()) {
        return "none";
      }
      String resultMessage = map(fields.get("result")).get("message") instanceof String m ? m : "";
      return message.strip().endsWith(OLD_ROLLBACK_FAILED)
              || resultMessage.strip().endsWith(OLD_ROLLBACK_FAILED)
          ? "failed"
          : "succeeded";
    }

    /** How older versions ended the message of a failure whose rollback failed too. */
    public static final String OLD_ROLLBACK_FAILED =
        "; the rollback failed too, so the environment may be in an unknown state.";

    /** {@code result.attempts} as written, 0 when none. */
    public int attempts() {
      return map(fields.get("result")).get("attempts") instanceof Number n ? n.intValue() : 0;
    }
  }

  /**
   * One finished run as the history keeps it once the journal is compacted: what {@code report}
   * needs of an {@link Outcome}, without the fields the board got.
   */
  record Summary(
      Instant at,
      String task,
      String status,
      String message,
      String rollback,
      int attempts,
      boolean deployStepRan)
      implements JournalEvent {}

  /**
   * The worker's whole record of one task, as compaction writes it in place of the events that made
   * it: {@code written} are the fields it last wrote to the task.
   */
  record State(
      Instant at,
      String task,
      Map<String, Object> written,
      boolean open,
      long pid,
      String host,
      int attempts,
      String outcome,
      long stepPid,
      String stepStarted,
      boolean changing,
      boolean deployStepRan)
      implements JournalEvent {
    public State {
      written = copy(written);
    }
  }

  /** The worker forgets its state of the task: it may run again as a new request. */
  record Requeue(Instant at, String task, String message) implements JournalEvent {}

  /** The worker wrote its last fields back over a stale copy of the board. */
  record Restore(Instant at, String task, String message) implements JournalEvent {}

  /**
   * The worker asked the humans in human-requests.md entry {@code hitl}, about {@code release} in
   * {@code environment} under the runbook whose digest is {@code runbookDigest}; {@code nonce} is
   * the random mark the entry carries, which no agent can predict (empty in older journals).
   */
  record Asked(
      Instant at,
      String task,
      String hitl,
      String kind,
      List<String> checks,
      String release,
      String environment,
      String runbookDigest,
      String nonce)
      implements JournalEvent {
    public Asked {
      checks = List.copyOf(checks);
    }
  }

  /**
   * A question the worker could not write into human-requests.md when it had to ask (the file not
   * UTF-8, say): {@code request} holds the entry to write and what {@link Asked} will record, so
   * that it is asked once the file can be written — never forgotten. An {@link Asked} of the same
   * task and kind, or a later {@code Deferred} replacing it, settles it.
   */
  record Deferred(Instant at, String task, String kind, Map<String, Object> request)
      implements JournalEvent {
    public Deferred {
      request = copy(request);
    }
  }

  /**
   * A human decided through entry {@code hitl}: {@code principal} is who signed it and {@code
   * signature} the signed block (verified again whenever the decision is used); both empty for an
   * unsigned decision the operator allowed.
   */
  record Decided(
      Instant at,
      String task,
      String hitl,
      String kind,
      String decision,
      String text,
      String release,
      String principal,
      String signature)
      implements JournalEvent {
    public Decided(
        Instant at,
        String task,
        String hitl,
        String kind,
        String decision,
        String text,
        String release) {
      this(at, task, hitl, kind, decision, text, release, "", "");
    }
  }

  /** A response the worker read but could not act on; it waits for the human to change it. */
  record AnswerSeen(Instant at, String task, String hitl, String response)
      implements JournalEvent {}

  private static Map<String, Object> copy(Map<String, Object> fields) {
    Objects.requireNonNull(fields, "fields == null");
    return Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  private static Map<?, ?> map(Object value) {
    return value instanceof Map<?, ?> m ? m : Map.of();
  }
}
