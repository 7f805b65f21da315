package dev.taskboard.devops.report;

import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.journal.JournalFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The outcome events of the worker's journal, each with whether a deploy step ran since the task
 * was claimed. Lines the journal cannot use are skipped and become warnings.
 */
final class JournalOutcomes {
  /** One outcome event, and whether a deploy step ran since the task was claimed. */
  record Event(
      String task,
      Instant at,
      String status,
      String message,
      boolean rollbackPerformed,
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
        events.add(
            new Event(
                o.task(),
                o.at(),
                o.status(),
                o.message(),
                o.rollbackPerformed(),
                o.attempts(),
                deploying.remove(o.task())));
      }
    }
    return new Read(events, journal.warnings());
  }
}
