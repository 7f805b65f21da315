package dev.taskboard.devops.worker;

import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.TaskNotFoundException;
import dev.taskboard.devops.task.Printable;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outcomes in the journal that the board does not show yet: the board was half-written by another
 * agent, or kept changing under a writer that ignores the lock, at the moment the worker wrote.
 * They are written again as soon as the board is readable, with a backoff from 1 s doubling up to
 * the rescan period; a task never stays in_progress behind the worker's back.
 */
final class PendingWrites {
  private static final Logger LOG = LoggerFactory.getLogger(PendingWrites.class);
  private static final Duration FIRST = Duration.ofSeconds(1);

  private final Set<String> ids = new LinkedHashSet<>();
  private final Duration max;
  private Duration next = FIRST;

  PendingWrites(Duration max) {
    this.max = max;
  }

  /** The outcome of {@code id} is in the journal but could not be written to the board. */
  synchronized void add(String id, IOException why) {
    if (ids.add(id)) {
      LOG.warn(
          "{}: its outcome is in the journal but not yet on the board ({}); writing it again in {}",
          Printable.of(id),
          why.getMessage(),
          next);
    }
  }

  synchronized boolean isEmpty() {
    return ids.isEmpty();
  }

  /** How long until the next try, when there is something to write. */
  synchronized Optional<Duration> retryIn() {
    return ids.isEmpty() ? Optional.empty() : Optional.of(next);
  }

  /** Writes each pending task's last fields from the journal; keeps those that fail again. */
  synchronized void flush(Board board, Journal journal) throws IOException {
    for (String id : Set.copyOf(ids)) {
      Optional<Journal.TaskRecord> record = journal.task(id);
      if (record.isEmpty()) {
        ids.remove(id);
        continue;
      }
      try {
        board.patch(id, TaskExecution.patchOf(record.get().written()));
        ids.remove(id);
        LOG.info("{}: outcome written to the board", Printable.of(id));
      } catch (TaskNotFoundException gone) {
        ids.remove(id);
        journal.forget(id, "removed from the board before its outcome could be written");
        LOG.warn(
            "{}: removed from the board by another agent; its outcome stays in the journal",
            Printable.of(id));
      } catch (IOException stillNot) {
        LOG.debug("{}: not yet: {}", Printable.of(id), stillNot.getMessage());
      }
    }
    next = ids.isEmpty() ? FIRST : min(next.multipliedBy(2), max);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
