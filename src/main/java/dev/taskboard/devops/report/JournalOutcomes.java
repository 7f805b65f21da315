package dev.taskboard.devops.report;

import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.journal.JournalFile;
import dev.taskboard.devops.report.Deployment.Rollback;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
  static final String ROLLBACK_FAILED =
      "; the rollback failed too, so the environment may be in an unknown state.";

  /** One outcome event, and whether a deploy step ran since the task was claimed. */
  record Event(
      String task,
      Instant at,
      String status,
      String message,
      Rollback rollback,
      int attempts,
      boolean deployStepRan) {}

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
    // Tasks whose deploy phase started since their last claim (or outcome): a failure after that
    // changed the environment; one before it (a gate, a rejection, a failed pre-check) did not.
    Set<String> deploying = new HashSet<>();
    for (JournalEvent e : journal.events()) {
      if (e instanceof JournalEvent.Claim || e instanceof JournalEvent.Requeue) {
        deploying.remove(e.task());
      } else if (e instanceof JournalEvent.StepStarted s && s.step().startsWith("deploy#")) {
        deploying.add(e.task());
      } else if (e instanceof JournalEvent.Outcome o) {
        events.add(event(o, deploying.remove(o.task())));
      }
    }
    return new Read(events, journal.warnings());
  }

  private static Event event(JournalEvent.Outcome o, boolean deployStepRan) {
    return new Event(
        o.task(), o.at(), o.status(), o.message(), rollbackOf(o), o.attempts(), deployStepRan);
  }

  /** Whether a rollback ran, and whether the outcome's message says it failed. */
  static Rollback rollbackOf(JournalEvent.Outcome o) {
    if (!o.rollbackPerformed()) {
      return Rollback.NONE;
    }
    String result =
        o.fields().get("result") instanceof Map<?, ?> r && r.get("message") instanceof String m
            ? m
            : "";
    return o.message().strip().endsWith(ROLLBACK_FAILED) || result.strip().endsWith(ROLLBACK_FAILED)
        ? Rollback.FAILED
        : Rollback.SUCCEEDED;
  }
}
