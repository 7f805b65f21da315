package dev.taskboard.devops.board;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.taskboard.devops.files.BusyFileException;
import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.ForeignWrite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that ignores the lock replaces the board between the patcher's read and its final check;
 * the patcher must notice, re-read, re-check its expectations and re-apply on the new content.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForeignWriterRaceTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  static final String BOARD =
      "[\n"
          + "  {\n"
          + "    \"id\": \"TASK-001\",\n"
          + "    \"type\": \"feature\",\n"
          + "    \"status\": \"done\",\n"
          + "    \"agent\": \"Task-Coder\"\n"
          + "  },\n"
          + "  {\n"
          + "    \"id\": \"TASK-002\",\n"
          + "    \"type\": \"deployment_staging\",\n"
          + "    \"status\": \"pending\",\n"
          + "    \"agent\": \"DevOps-Engineer\",\n"
          + "    \"payload\": {\"title\": \"Caf\\u00e9 release\", \"release\": \"1.4.0\"}\n"
          + "  },\n"
          + "  {\"id\": \"TASK-003\", \"type\": \"bug_fix\", \"status\": \"pending\"}\n"
          + "]\n";

  /** The worker's claim of TASK-002: a compare-and-set on its status. */
  static final Patch CLAIM =
      Patch.empty()
          .set("status", TextNode.valueOf("in_progress"))
          .set("claimed_by", TextNode.valueOf("devops-worker@host"))
          .expect("status", TextNode.valueOf("pending"));

  @TempDir Path dir;
  @TempDir Path logs;

  private Path file;
  private SingleFileBoard board;

  @BeforeEach
  void board() throws IOException {
    file = dir.resolve("tasks.json");
    Files.writeString(file, BOARD);
    board = new SingleFileBoard(file, ArrayPath.auto());
  }

  @Test
  void patch_reappliesOnTopOfForeignWrite() throws IOException {
    ForeignWrite foreign = stage("rename", "TASK-002", "reviewed_by", "\"Code-Reviewer\"");

    Task written = board.patch("TASK-002", CLAIM);

    assertEquals(0, foreign.exitCode, foreign.output);
    assertFalse(Arrays.equals(BOARD.getBytes(UTF_8), foreign.wrote), "the foreign write changed");
    assertEquals(1, board.collisions());
    assertEquals(2, foreign.calls, "one check failed, the second attempt committed");
    byte[] done = Files.readAllBytes(file);
    ObjectNode expected = (ObjectNode) JACKSON.readTree(foreign.wrote).get(1);
    expected.put("status", "in_progress").put("claimed_by", "devops-worker@host");
    assertEquals(expected, JACKSON.readTree(done).get(1));
    assertEquals(expected, JACKSON.readTree(Json.compact(written.json())));
    assertEquals(
        MultiProcessPatchTest.outside(foreign.wrote, Set.of(1)),
        MultiProcessPatchTest.outside(done, Set.of(1)),
        "bytes outside the patched entry are the foreign writer's");
    assertEquals(List.of(), leftovers());
  }

  @Test
  void patch_rechecksExpectationOnForeignWrite_andLeavesItsContentAlone() throws IOException {
    ForeignWrite foreign = stage("rename", "TASK-002", "status", "\"in_progress\"");

    ExpectationFailedException e =
        assertThrows(ExpectationFailedException.class, () -> board.patch("TASK-002", CLAIM));

    assertEquals(0, foreign.exitCode, foreign.output);
    assertTrue(
        e.getMessage().contains("expected status = \"pending\" but it is \"in_progress\""),
        e.getMessage());
    assertEquals(1, foreign.calls, "the second attempt stopped at the expectation");
    assertArrayEquals(foreign.wrote, Files.readAllBytes(file));
    assertEquals(List.of(), leftovers());
  }

  @Test
  void patch_neverWritesOverAHalfWrittenForeignVersion_andReportsContention() throws IOException {
    ForeignWrite foreign = stage("half", "TASK-002", "reviewed_by", "\"Code-Reviewer\"");

    BusyFileException e =
        assertThrows(BusyFileException.class, () -> board.patch("TASK-002", CLAIM));

    assertEquals(0, foreign.exitCode, foreign.output);
    assertTrue(e.getMessage().startsWith(file + ": was left unreadable"), e.getMessage());
    assertArrayEquals(foreign.wrote, Files.readAllBytes(file));
    assertEquals(List.of(), leftovers());
  }

  @Test
  void patch_boardRemovedByForeignWriter_isReportedAsMissing() throws IOException {
    ForeignWrite foreign = stage("delete");

    BoardException e = assertThrows(BoardException.class, () -> board.patch("TASK-002", CLAIM));

    assertEquals(0, foreign.exitCode, foreign.output);
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertFalse(Files.exists(file), "the removed board was written back");
    assertEquals(List.of(), leftovers());
  }

  /** Runs {@link ForeignWriter} with these arguments in the patcher's commit window, once. */
  private ForeignWrite stage(String mode, String... args) {
    List<String> command = new ArrayList<>(MultiProcessPatchTest.javaCommand(ForeignWriter.class));
    command.add(mode);
    command.add(file.toString());
    command.addAll(List.of(args));
    ForeignWrite foreign = new ForeignWrite(command, file, logs.resolve("foreign.log"));
    board =
        new SingleFileBoard(
            file,
            ArrayPath.auto(),
            new Board.Options(
                LockedUpdate.ATTEMPTS,
                new Board.Hooks() {
                  @Override
                  public void beforeCheck(Path real) {
                    foreign.run();
                  }
                }));
    return foreign;
  }

  /** Files beside the board other than the board and its lock. */
  private List<String> leftovers() throws IOException {
    Set<String> expected = Set.of("tasks.json", "tasks.json.devops-lock");
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> !expected.contains(n)).toList();
    }
  }
}
