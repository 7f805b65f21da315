package dev.taskboard.devops.board;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edge cases of both stores: per-task follow-ups found in the file whatever the index says, links
 * and empty statuses, layouts of odd files, non-normal paths, and messages in any locale.
 */
class BoardEdgeCasesTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final Instant OLD = Instant.parse("2025-09-15T08:30:00Z");

  @TempDir Path dir;

  private Path perTask(String index) throws IOException {
    Path tasks = Files.createDirectories(dir.resolve("tasks"));
    Files.writeString(tasks.resolve("index.json"), index);
    return tasks;
  }

  // Each unsafe id is named with its own reason.
  @Test
  void unsafeId_messagesUnchanged() {
    assertEquals("an empty id names no file", PerTaskBoard.unsafeId(""));
    assertEquals(
        "an id over 128 characters cannot name its file", PerTaskBoard.unsafeId("x".repeat(129)));
  }

  // A link is judged by its own time, not its target's: an old dangling link is no candidate.
  @Test
  void read_danglingLinkOlderThanIndex_isNotACandidate() throws IOException {
    Path tasks =
        perTask(
            "[{\"task_id\": \"T-1\", \"title\": \"a\", \"status\": \"done\"},"
                + " {\"task_id\": \"T-2\", \"title\": \"b\", \"status\": \"done\"}]\n");
    Files.writeString(
        tasks.resolve("T-1.json"),
        "{\"task_id\": \"T-1\", \"title\": \"a\", \"status\": \"done\"}\n");
    Files.createSymbolicLink(tasks.resolve("T-2.json"), Path.of("nowhere.json"));
    Files.setLastModifiedTime(tasks.resolve("T-1.json"), FileTime.from(OLD));
    Files.setLastModifiedTime(
        tasks.resolve("index.json"), FileTime.from(Instant.now().plusSeconds(3600)));

    Board.Selection s = Board.at(tasks).read(TaskFilter.parse("@.status == 'pending'"), Set.of());

    assertTrue(s.tasks().isEmpty());
    assertTrue(s.refused().isEmpty(), "refused: " + s.refused());
  }

  // The follow-up key lives in the task's file: an entry with its own payload must not hide it.
  @Test
  void addIfAbsent_entryWithPayload_stillFindsTheFollowUpInTheFile() throws IOException {
    Path tasks =
        perTask(
            "[{\"task_id\": \"T-1\", \"title\": \"a\", \"status\": \"pending\", \"payload\": {}}]\n");
    Files.writeString(
        tasks.resolve("T-1.json"),
        "{\"task_id\": \"T-1\", \"title\": \"a\", \"status\": \"pending\","
            + " \"payload\": {\"followup_key\": \"k\"}}\n");
    Files.setLastModifiedTime(tasks.resolve("T-1.json"), FileTime.from(OLD));
    Files.setLastModifiedTime(tasks.resolve("index.json"), FileTime.from(OLD.plusSeconds(60)));
    ObjectNode followUp = M.createObjectNode().put("title", "f");
    followUp.putObject("payload").put("followup_key", "k");

    Task got = Board.at(tasks).addIfAbsent(followUp, "payload.followup_key");

    assertEquals("T-1", got.id());
    try (var files = Files.list(tasks)) {
      assertEquals(
          Set.of("T-1.json", "index.json"),
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .collect(java.util.stream.Collectors.toSet()),
          "no second task file");
    }
  }

  // An empty status in a file keeps the index's; an empty one in the index is kept as it is.
  @Test
  void read_emptyStatusInFile_keepsTheIndexStatus_emptyEntryStatusKept() throws IOException {
    Path tasks =
        perTask(
            "[{\"task_id\": \"T-1\", \"title\": \"a\", \"status\": \"pending\"},"
                + " {\"task_id\": \"T-2\", \"title\": \"b\", \"status\": \"\"}]\n");
    Files.writeString(
        tasks.resolve("T-1.json"), "{\"task_id\": \"T-1\", \"title\": \"a\", \"status\": \"\"}\n");
    Files.writeString(
        tasks.resolve("T-2.json"), "{\"task_id\": \"T-2\", \"title\": \"b\", \"status\": \"\"}\n");
    for (String f : new String[] {"T-1.json", "T-2.json"}) {
      Files.setLastModifiedTime(tasks.resolve(f), FileTime.from(OLD));
    }
    Files.setLastModifiedTime(tasks.resolve("index.json"), FileTime.from(OLD.plusSeconds(60)));

    Board.Selection s =
        Board.at(tasks).read(TaskFilter.parse("@.status == 'nothing'"), Set.of("T-1"));

    assertEquals("pending", s.statuses().get("T-1"));
    assertEquals("", s.statuses().get("T-2"));
  }

  // A byte-order mark before the first line's spaces: they are no indent of the array.
  @Test
  void add_intoEmptyArray_afterBomAndSpaces_layoutUnchanged() throws IOException {
    Path board = dir.resolve("board.json");
    Files.write(board, "\uFEFF  [\n]\n".getBytes(UTF_8));

    Board.at(board).add(M.createObjectNode().put("id", "T-1"));

    assertEquals("\uFEFF  [\n  {\n    \"id\": \"T-1\"\n  }\n]\n", Files.readString(board, UTF_8));
  }

  // Only \n ends a line: U+2028 inside a string starts no indented line.
  @Test
  void add_intoEmptyArray_lineSeparatorInAString_indentUnchanged() throws IOException {
    Path board = dir.resolve("board.json");
    Files.write(board, "{\"note\": \"a\u2028 b\", \"tasks\": [\n]}\n".getBytes(UTF_8));

    Board.at(board).add(M.createObjectNode().put("id", "T-1").put("title", "x"));

    assertEquals(
        "{\"note\": \"a\u2028 b\", \"tasks\": [\n  {\n    \"id\": \"T-1\",\n    \"title\": \"x\"\n  }\n]}\n",
        Files.readString(board, UTF_8));
  }

  // tasks/./index.json is not the index of a directory named tasks.
  @Test
  void perTaskDirectory_nonNormalIndexPath_stillNotPerTask() throws IOException {
    Path tasks = perTask("[]\n");
    assertEquals(Optional.empty(), BoardLayout.perTaskDirectory(tasks.resolve("./index.json")));
  }

  // Positions and counts in messages are ASCII digits whatever the default locale.
  @Test
  void badIdMessage_asciiDigits_whateverTheLocale() throws IOException {
    Path board = dir.resolve("board.json");
    Files.writeString(board, "[{\"id\": \"T-1\"}, {\"id\": true}]\n");
    Locale was = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("ar-EG"));
    try {
      BoardException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              BoardException.class, () -> Board.at(board).select(TaskFilter.parse("@.x")));
      assertTrue(e.getMessage().contains("task 1: id must be"), e.getMessage());
    } finally {
      Locale.setDefault(was);
    }
  }
}
