package dev.taskboard.devops.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.journal.JournalFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-running worker's journal does not grow with history: past a number of events it is
 * rewritten to one summary per finished run, the records still needed, open requests and recent
 * decisions — and reads back to the same state.
 */
class JournalCompactionTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void compaction_keepsTheHistoryAndWhatTheWorkerStillNeeds_andDropsTheRest() throws IOException {
    Path file = dir.resolve("journal.jsonl");
    MutableClock clock = new MutableClock(NOW.minus(Duration.ofDays(40)));
    try (Journal j = Journal.open(file, clock, 1_000_000)) {
      run(j, "OLD", "deployed"); // finished long ago: history only
      clock.set(NOW.minus(Duration.ofDays(1)));
      run(j, "NEW", "failed"); // finished yesterday: its record stays, to restore a stale copy
      j.claim("OPEN", 7, "host", Map.of("status", "in_progress"));
      j.stepStart("OPEN", 1, "deploy#1");
      j.stepProcess("OPEN", "deploy#1", 4242, "2026-11-30T00:00:00Z");
      j.asked("NEW", "HITL-001", "deploy-failed", List.of(), "1.0", "staging", "", "00");
      for (int i = 0; i < 50; i++) {
        run(j, "MANY", "deployed");
      }
    }
    int linesBefore = Files.readAllLines(file).size();
    clock.set(NOW);

    try (Journal j = Journal.open(file, clock, 20)) {
      assertTrue(j.task("OLD").isEmpty(), "a record older than REMEMBER is dropped");
      assertEquals(List.of("OPEN"), j.open().stream().map(Journal.TaskRecord::id).toList());
      Journal.TaskRecord open = j.task("OPEN").orElseThrow();
      assertEquals(4242, open.stepPid());
      assertTrue(open.changing());
      assertEquals("failed", j.task("NEW").orElseThrow().status().orElseThrow());
      assertEquals(1, j.openHitl().size());
    }
    JournalFile.Read read = JournalFile.read(file);
    assertEquals(List.of(), read.warnings(), "the compacted journal is sealed");
    long summaries = read.events().stream().filter(e -> e instanceof JournalEvent.Summary).count();
    assertEquals(52, summaries, "one summary per finished run: the history report reads");
    assertTrue(Files.readAllLines(file).size() < linesBefore / 3, "the journal shrank");
    assertFalse(
        read.events().stream().anyMatch(e -> e instanceof JournalEvent.StepStarted),
        "step events of finished runs are gone");
  }

  private static void run(Journal j, String task, String status) throws IOException {
    j.claim(task, 1, "host", Map.of("status", "in_progress"));
    j.stepStart(task, 1, "deploy#1");
    j.stepEnd(task, 1, "deploy#1", 0, 10, "ok");
    j.outcome(task, status, "done with " + task, Map.of("status", status));
  }
}
