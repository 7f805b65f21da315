package dev.taskboard.devops.board;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that ignores the lock renames its version over the board while the patcher stages its
 * backup (a hard link or copy of the current board: the slowest step left before the rename). The
 * backup is staged before the final "unchanged?" check, so that check sees the rename and the patch
 * is re-applied on the other writer's version; staged after the check, the rename would land in an
 * unchecked window and be overwritten. The rename is staged through {@link
 * BoardWriter#backupStaged}, exactly once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BackupStagingRaceTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  private static final String BOARD =
      "[\n"
          + "  {\"id\": \"TASK-001\", \"type\": \"feature\", \"status\": \"done\"},\n"
          + "  {\n"
          + "    \"id\": \"TASK-002\",\n"
          + "    \"type\": \"infrastructure_update\",\n"
          + "    \"status\": \"pending\",\n"
          + "    \"agent\": \"DevOps-Engineer\"\n"
          + "  },\n"
          + "  {\"id\": \"TASK-003\", \"type\": \"bug_fix\", \"status\": \"pending\"}\n"
          + "]\n";

  private static final Patch CLAIM =
      Patch.empty()
          .set("status", TextNode.valueOf("in_progress"))
          .expect("status", TextNode.valueOf("pending"));

  @TempDir Path dir;

  private Path file;
  private Board board;

  @BeforeEach
  void board() throws IOException {
    file = dir.resolve("tasks.json");
    Files.writeString(file, BOARD);
    board = Board.at(file);
  }

  @AfterEach
  void noHook() {
    BoardWriter.backupStaged = real -> {};
  }

  @Test
  void patch_renameWhileTheBackupIsStaged_keepsTheForeignEditAndAppliesThePatch()
      throws IOException {
    // ForeignWriter adds reviewed_by to TASK-003 and renames its re-formatted board over the path.
    OnceRename foreign =
        new OnceRename(
            Set.of(file.toRealPath()),
            real ->
                ForeignWriter.main(
                    new String[] {
                      "rename", real.toString(), "TASK-003", "reviewed_by", "\"Code-Reviewer\""
                    }));
    BoardWriter.backupStaged = foreign;

    board.patch("TASK-002", CLAIM);

    assertEquals(1, foreign.renames, "the foreign rename happened once");
    assertFalse(
        Arrays.equals(BOARD.getBytes(UTF_8), foreign.wrote), "the foreign write changed it");
    byte[] done = Files.readAllBytes(file);
    JsonNode tasks = JACKSON.readTree(done); // the file parses
    assertEquals(
        "Code-Reviewer",
        tasks.get(2).path("reviewed_by").asText(),
        "the foreign writer's field on TASK-003 survived");
    ObjectNode expected = (ObjectNode) JACKSON.readTree(foreign.wrote).get(1);
    expected.put("status", "in_progress");
    assertEquals(expected, tasks.get(1), "the patch is applied on the foreign version");
    assertEquals(
        MultiProcessPatchTest.outside(foreign.wrote, Set.of(1)),
        MultiProcessPatchTest.outside(done, Set.of(1)),
        "bytes outside the patched entry are the foreign writer's");
    assertEquals(1, board.collisions(), "the final check saw the rename");

    byte[] backup = Files.readAllBytes(onlyBackup());
    assertFalse(Arrays.equals(done, backup), "the backup is an earlier version");
    assertArrayEquals(
        foreign.wrote, backup, "the backup is the version the patch replaced: the foreign one");
    assertEquals(List.of(), hiddenLeftovers(), "the first attempt's staged link was removed");
  }

  private Path onlyBackup() throws IOException {
    try (Stream<Path> backups = Files.list(board.stateDir().resolve("backups"))) {
      List<Path> all = backups.toList();
      assertEquals(1, all.size(), all.toString());
      return all.get(0);
    }
  }

  /** Staged backups, temp files or the foreign writer's temp left beside the board. */
  private List<String> hiddenLeftovers() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith(".tasks.json") || n.endsWith("~"))
          .toList();
    }
  }
}
