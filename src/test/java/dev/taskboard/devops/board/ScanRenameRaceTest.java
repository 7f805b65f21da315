package dev.taskboard.devops.board;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that ignores the lock renames a new version of the board over the path between the
 * moment a scan reads the board's attributes and the moment it opens the file. The rename is staged
 * through {@link Board.Hooks#betweenAttributesAndOpen}, exactly once, so every run takes the same
 * path.
 *
 * <p>With the attributes read first they describe the older version and the content is the newer
 * one: every later comparison sees the board as changed. Read after opening, they would describe a
 * version the scan never read: a read's stamp then vouches for content nobody read, and an append
 * to an empty task array reads as many bytes as the newer version has from the older one. A patch
 * is also safe because the copy of the read version takes the size of the file opened, not of the
 * attributes (the shorter-version case).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScanRenameRaceTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  /** The board and the claim the lock-ignoring writer races in {@link ForeignWriterRaceTest}. */
  private static final String BOARD = ForeignWriterRaceTest.BOARD;

  private static final Patch CLAIM = ForeignWriterRaceTest.CLAIM;

  @TempDir Path dir;

  private Path file;
  private SingleFileBoard board;

  @BeforeEach
  void board() throws IOException {
    file = dir.resolve("tasks.json");
    Files.writeString(file, BOARD);
    board = new SingleFileBoard(file, ArrayPath.auto());
  }

  /** The foreign writer re-formats the board (pretty-printed by Jackson): a longer version. */
  @Test
  void patch_renameOfALongerVersionBetweenAttributesAndOpen_reappliesOnTheNewVersion()
      throws IOException {
    OnceRename foreign =
        stage(
            real -> ForeignWriter.main(args("rename", real, "TASK-003", "reviewed_by", "\"QA\"")));

    Task written = board.patch("TASK-002", CLAIM);

    assertTrue(foreign.wrote.length > BOARD.getBytes(UTF_8).length, "a longer version");
    assertPatchedOnTopOf(foreign, written);
  }

  /**
   * The foreign writer writes the board compact: a shorter version. A copy of the rest of the read
   * version sized by the attributes, not by the file opened, ran out of bytes ("file shrank while
   * being copied", exit 2).
   */
  @Test
  void patch_renameOfAShorterVersionBetweenAttributesAndOpen_reappliesOnTheNewVersion()
      throws IOException {
    OnceRename foreign =
        stage(
            real -> {
              ArrayNode tasks = (ArrayNode) JACKSON.readTree(real.toFile());
              ((ObjectNode) tasks.get(2)).put("reviewed_by", "QA");
              renameOver(real, JACKSON.writeValueAsBytes(tasks));
            });

    Task written = board.patch("TASK-002", CLAIM);

    assertTrue(foreign.wrote.length < BOARD.getBytes(UTF_8).length, "a shorter version");
    assertPatchedOnTopOf(foreign, written);
  }

  private void assertPatchedOnTopOf(OnceRename foreign, Task written) throws IOException {
    assertEquals(1, foreign.renames, "the foreign rename happened once");
    byte[] done = Files.readAllBytes(file);
    JsonNode tasks = JACKSON.readTree(done); // the file parses
    assertEquals(3, tasks.size());
    assertEquals("QA", tasks.get(2).path("reviewed_by").asText(), "the foreign edit is kept");
    ObjectNode expected = (ObjectNode) JACKSON.readTree(foreign.wrote).get(1);
    expected.put("status", "in_progress").put("claimed_by", "devops-worker@host");
    assertEquals(expected, tasks.get(1), "the patch is applied on the foreign version");
    assertEquals(expected, JACKSON.readTree(Json.compact(written.json())));
    assertEquals(
        MultiProcessPatchTest.outside(foreign.wrote, Set.of(1)),
        MultiProcessPatchTest.outside(done, Set.of(1)),
        "bytes outside the patched entry are the foreign writer's");
    assertEquals(1, board.collisions(), "the first attempt's check saw the rename");
  }

  /**
   * The worker skips reading a board whose stamp (identity, size, mtime) equals that of its last
   * read. A read's stamp must therefore never name the version on disk unless that version is the
   * one read: else the foreign version is taken as seen and its changes wait for the next rescan.
   */
  @Test
  void read_renameBetweenAttributesAndOpen_stampNeverVouchesForUnreadContent() throws IOException {
    OnceRename foreign =
        stage(
            real -> ForeignWriter.main(args("rename", real, "TASK-002", "release_notes", "\"n\"")));

    Board.Selection selection = board.read(TaskFilter.parse("[?(@.id == 'TASK-002')]"), Set.of());

    assertEquals(1, foreign.renames, "the foreign rename happened once");
    boolean readTheForeignVersion =
        selection.tasks().get(0).json().path("release_notes").asText().equals("n");
    assertTrue(
        readTheForeignVersion || !selection.stamp().equals(board.stamp()),
        "the read's stamp is the board's current one but its content is the older version's");
    assertNotEquals(board.stamp(), selection.stamp(), "the next look reads the board again");
  }

  /**
   * Appending into an empty task array takes the array's layout from the file's first bytes, as
   * many as the attributes say the file has: attributes of a longer version than the one opened
   * made that read run past the end ("the file shrank while it was being read", exit 2).
   */
  @Test
  void add_renameOfALongerVersionBetweenAttributesAndOpen_appendsOnTheNewVersion()
      throws IOException {
    String empty = "{\"tasks\": []}\n";
    String longer = "{\"tasks\": [], \"sprint\": \"S-7\"}\n";
    Files.writeString(file, empty);
    OnceRename foreign = stage(real -> renameOver(real, longer.getBytes(UTF_8)));
    ObjectNode task = JACKSON.createObjectNode().put("id", "T-1").put("status", "pending");

    board.add(task);

    assertEquals(1, foreign.renames, "the foreign rename happened once");
    JsonNode done = JACKSON.readTree(Files.readAllBytes(file));
    assertEquals("S-7", done.path("sprint").asText(), "the foreign edit is kept");
    assertEquals(List.of("T-1"), done.path("tasks").findValuesAsText("id"));
    assertEquals(1, board.collisions(), "the first attempt's check saw the rename");
  }

  /**
   * Installs the hook: the first scan of this board runs {@code write} between its attribute read
   * and its open; later scans (and scans of other files) pass untouched.
   */
  private OnceRename stage(OnceRename.Write write) throws IOException {
    OnceRename rename = new OnceRename(Set.copyOf(List.of(file, file.toRealPath())), write);
    board =
        new SingleFileBoard(
            file,
            ArrayPath.auto(),
            new Board.Options(
                LockedUpdate.ATTEMPTS,
                new Board.Hooks() {
                  @Override
                  public void betweenAttributesAndOpen(Path path) {
                    rename.accept(path);
                  }
                }));
    return rename;
  }

  private static String[] args(String mode, Path board, String id, String field, String json) {
    return new String[] {mode, board.toString(), id, field, json};
  }

  /** A write that ignores the lock: temp file beside the board, then an atomic rename. */
  private static void renameOver(Path real, byte[] content) throws IOException {
    Path temp = real.resolveSibling(real.getFileName() + ".foreign~");
    Files.write(temp, content);
    Files.move(temp, real, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * A writer that ignores the lock rewrites the board in place (truncate and write, the same inode)
   * after the scan's pass and before a matching task is read from its byte span: the span no longer
   * holds the task. That must read as a board that changed under the reader (a {@link
   * BoardException}, which the daemon waits out like a half-written board), not as a bare parse
   * error (which stopped the daemon with exit 2, docs/reliability-hostile.md) or whatever JSON
   * value the span now starts with.
   */
  @Test
  void inPlaceRewriteBetweenTheScanAndTheSpanRead_neverYieldsWhatTheSpanNowHolds()
      throws IOException {
    byte[] rewritten =
        JACKSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(JACKSON.readTree(BOARD));
    try (Snapshot read =
        BoardScanner.scan(
            file,
            ArrayPath.auto(),
            TaskFilter.parse("[?(@.status)]"),
            Set.of(),
            Board.Hooks.NONE)) {
      Slot second = read.matches().get(1);
      Files.write(file, rewritten, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

      // Either the task as it was read (the bytes checked against the version scanned) or a
      // BoardException; never whatever the span holds now.
      try {
        Task task = read.taskAt(second);
        assertEquals(JACKSON.readTree(BOARD).get(1), task.json(), "read from the rewritten span");
      } catch (BoardException changedUnderTheRead) {
        assertTrue(changedUnderTheRead.getMessage().contains(file.getFileName().toString()));
      }
    }
  }
}
