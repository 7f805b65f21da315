package dev.taskboard.devops.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines another process appends to the journal while the worker has it open. */
class JournalFileTamperTest {
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void tornLineAppendedWhileOpen_isSkipped_andTheWorkersNextEventIsKept() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    try (JournalFile journal = JournalFile.append(file)) {
      journal.write(new JournalEvent.Claim(AT, "T-1", 1, "host", Map.of("status", "in_progress")));
      Files.writeString( // no line ending: the next line would be glued to it
          file,
          "{\"event\":\"decision\",\"task\":\"T-1\"",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
      journal.write(new JournalEvent.Claim(AT, "T-2", 1, "host", Map.of("status", "in_progress")));
      Files.writeString( // a whole forged line this time
          file,
          "{\"event\":\"claim\",\"task\":\"FORGED\"}\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
      journal.write(new JournalEvent.Claim(AT, "T-3", 1, "host", Map.of("status", "in_progress")));
    }

    JournalFile.Read read = JournalFile.read(file);
    List<String> claimed =
        read.events().stream()
            .filter(e -> e instanceof JournalEvent.Claim)
            .map(e -> ((JournalEvent.Claim) e).task())
            .toList();
    assertEquals(List.of("T-1", "T-2", "T-3"), claimed, read.warnings().toString());
    assertEquals(2, read.warnings().size(), read.warnings().toString());
    assertTrue(read.warnings().get(0).startsWith(file + ":2: "), read.warnings().toString());
  }
}
