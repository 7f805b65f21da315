package dev.taskboard.devops.report;

import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.journal.JournalFile;
import dev.taskboard.devops.report.Deployment.Rollback;
import dev.taskboard.devops.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome events of the worker's journal, each with whether a deploy step ran since the task
 * was claimed. Lines the journal cannot use are skipped and become warnings.
 */
final class JournalOutcomes {
  /**
   * How the worker ends the message of a failure whose rollback phase failed too; the journal has
   * no other record of it ({@code rollback_performed} is true whenever the rollback ran).
   */
  static final String ROLLBACK_FAILED = JournalEvent.Outcome.OLD_ROLLBACK_FAILED;

  /** The statuses the worker writes in an outcome. */
  private static final Set<String> OUTCOME_STATUSES =
      Set.of(
          TaskStatus.DEPLOYED.wireName(),
          TaskStatus.DONE.wireName(),
          TaskStatus.FAILED.wireName(),
          TaskStatus.BLOCKED.wireName());

  /** One outcome event, and whether a deploy step ran since the task was claimed. */
  record Event(
      String task,
      Instant at,
      String status,
      String message,
      Rollback rollback,
      int attempts,
      boolean deployStepRan,
      String approvedBy) {}

  /** What the journal holds: outcome events in journal order, and what could not be read. */
  record Read(List<Event> events, List<String> warnings) {
    Read {
      events = List.copyOf(events);
      warnings = List.copyOf(warnings);
    }
  }

  private JournalOutcomes() {}

  /** Reads {@code file}; a missing journal is an empty one. */
  static Read read(Path file) throws IOException {
    JournalFile.Read journal = JournalFile.read(file);
    List<Event> events = new ArrayList<>();
    List<String> warnings = new ArrayList<>(journal.warnings());
    // Tasks whose deploy phase started since their last claim (or outcome): a failure after that
    // changed the environment; one before it (a gate, a rejection, a failed pre-check) did not.
    Set<String> deploying = new HashSet<>();
    // Who approved each task's production deployment last (signer's principal, or "unsigned").
    Map<String, String> approvedBy = new HashMap<>();
    for (JournalEvent e : journal.events()) {
      if (e instanceof JournalEvent.Decided d
          && d.decision().equals("approved")
          && d.kind().equals("approval")) {
        approvedBy.put(d.task(), d.principal().isEmpty() ? "unsigned" : d.principal());
      } else if (e instanceof JournalEvent.Claim || e instanceof JournalEvent.Requeue) {
        deploying.remove(e.task());
      } else if (e instanceof JournalEvent.StepStarted s && s.step().startsWith("deploy#")) {
        deploying.add(e.task());
      } else if (e instanceof JournalEvent.Outcome o) {
        boolean ran = deploying.remove(o.task());
        Event event =
            event(
                o,
                o.deployStepRan() != null ? o.deployStepRan() : ran,
                approvedBy.getOrDefault(o.task(), ""));
        events.add(event);
        check(file, o, event).ifPresent(warnings::add);
      } else if (e instanceof JournalEvent.Summary s) {
        events.add(
            new Event(
                s.task(),
                s.at(),
                s.status(),
                s.message(),
                rollbackOf(s.rollback()),
                s.attempts(),
                s.deployStepRan(),
                ""));
      }
    }
    return new Read(events, warnings);
  }

  private static Event event(JournalEvent.Outcome o, boolean deployStepRan, String approvedBy) {
    return new Event(
        o.task(),
        o.at(),
        o.status(),
        o.message(),
        rollbackOf(o),
        o.attempts(),
        deployStepRan,
        approvedBy);
  }

  /** How the outcome's rollback went, as the journal says. */
  static Rollback rollbackOf(JournalEvent.Outcome o) {
    return rollbackOf(o.rollback());
  }

  static Rollback rollbackOf(String written) {
    return switch (written) {
      case "succeeded" -> Rollback.SUCCEEDED;
      case "failed", "not_started" -> Rollback.FAILED; // the environment may be broken
      default -> Rollback.NONE;
    };
  }

  /** A warning when the report has to guess what the outcome meant. */
  private static Optional<String> check(Path file, JournalEvent.Outcome o, Event event) {
    String where = file + ": " + TextReport.clean(o.task(), 80) + "'s outcome of " + o.at();
    if (!OUTCOME_STATUSES.contains(o.status())) {
      return Optional.of(
          where
              + " has status '"
              + TextReport.clean(o.status(), 40)
              + "', which the worker does not write; listed as not deployed");
    }
    boolean failedAfterDeploying =
        o.status().equals(TaskStatus.FAILED.wireName()) && event.deployStepRan();
    if (failedAfterDeploying && !hasRollbackPerformed(o)) {
      return Optional.of(
          where
              + " has no result.deployment_info.rollback_performed; taken as failed without a"
              + " rollback");
    }
    return Optional.empty();
  }

  private static boolean hasRollbackPerformed(JournalEvent.Outcome o) {
    return o.fields().get("result") instanceof Map<?, ?> r
        && r.get("deployment_info") instanceof Map<?, ?> info
        && info.get("rollback_performed") instanceof Boolean;
  }
}
