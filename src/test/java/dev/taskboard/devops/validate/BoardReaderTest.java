package dev.taskboard.devops.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.board.ArrayPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate's reading of a board's structure. */
class BoardReaderTest {
  @TempDir Path dir;

  private List<String> messages(BoardReader.Result r) {
    return r.findings().stream().map(Finding::message).toList();
  }

  // A key that is no array, then the array under the same definite path: a duplicate key.
  @Test
  void nonArrayTaskKey_thenAnArray_isStillADuplicate() throws IOException {
    Path f = dir.resolve("board.json");
    Files.writeString(
        f, "{\"tasks\": \"oops\", \"tasks\": [{\"id\": \"T-1\", \"title\": \"x\"}]}\n");
    BoardReader.Result r = BoardReader.read(f, ArrayPath.parse("$.tasks"));
    assertTrue(
        messages(r).stream().anyMatch(m -> m.startsWith("a second task array")),
        messages(r).toString());
    assertEquals(0, r.tasks().size());
  }
}
