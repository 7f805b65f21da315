package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layouts the real fixtures lack: each edit must come out exactly as the board's author would write
 * it.
 */
class SyntheticBoardsTest {
  @TempDir Path dir;

  @Test
  void crlfBoard_keepsCrlfInInsertedLines() throws IOException {
    String board =
        "[\r\n  {\r\n    \"id\": \"T-1\",\r\n    \"status\": \"pending\"\r\n  }\r\n]\r\n";
    assertEquals(
        "[\r\n  {\r\n    \"id\": \"T-1\",\r\n    \"status\": \"done\",\r\n    \"result\": {\r\n      \"ok\": true\r\n    }\r\n  }\r\n]\r\n",
        patched(
            board,
            "T-1",
            Patch.empty()
                .set("status", Json.valueOf("done"))
                .set("result.ok", Json.valueOf("true"))));
  }

  @Test
  void tabIndentedBoard_indentsWithTabs() throws IOException {
    String board = "[\n\t{\n\t\t\"id\": 1,\n\t\t\"status\": \"pending\"\n\t}\n]";
    assertEquals(
        "[\n\t{\n\t\t\"id\": 1,\n\t\t\"status\": \"pending\",\n\t\t\"result\": {\n\t\t\t\"message\": \"ok\"\n\t\t}\n\t}\n]",
        patched(board, "1", Patch.empty().set("result.message", Json.valueOf("ok"))));
  }

  @Test
  void minifiedBoard_staysOnOneLine() throws IOException {
    String board =
        "[{\"id\":\"A-1\",\"status\":\"pending\"},{\"id\":\"A-2\",\"status\":\"pending\"}]";
    assertEquals(
        "[{\"id\":\"A-1\",\"status\":\"pending\",\"result\":{\"attempts\":2}},{\"id\":\"A-2\",\"status\":\"pending\"}]",
        patched(board, "A-1", Patch.empty().set("result.attempts", Json.valueOf("2"))));
    assertEquals(
        "[{\"id\":\"A-1\",\"status\":\"pending\"},{\"id\":\"A-2\",\"status\":\"pending\"},{\"id\":\"A-3\",\"status\":\"pending\"}]",
        added(board, "{\"status\":\"pending\"}"));
  }

  @Test
  void bomBoard_keepsTheBom() throws IOException {
    String board = "\uFEFF[\n  {\n    \"id\": \"T-001\",\n    \"status\": \"pending\"\n  }\n]\n";
    assertEquals(
        "\uFEFF[\n  {\n    \"id\": \"T-001\",\n    \"status\": \"in_progress\"\n  }\n]\n",
        patched(board, "T-001", Patch.empty().set("status", Json.valueOf("in_progress"))));
    assertEquals(
        "\uFEFF[\n  {\n    \"id\": \"T-001\",\n    \"status\": \"pending\"\n  },\n  {\n    \"id\": \"T-002\"\n  }\n]\n",
        added(board, "{}"));
  }

  @Test
  void astralEmojiBeforeTheEntry_offsetsStayInBytes() throws IOException {
    String board =
        "[\n  {\"id\": \"E-1\", \"title\": \"🚀🚀 launch ✨\", \"status\": \"pending\"},\n"
            + "  {\"id\": \"E-2\", \"title\": \"𝄞 clef\", \"status\": \"pending\"}\n]\n";
    assertEquals(
        "[\n  {\"id\": \"E-1\", \"title\": \"🚀🚀 launch ✨\", \"status\": \"pending\"},\n"
            + "  {\"id\": \"E-2\", \"title\": \"𝄞 clef\", \"status\": \"done\", \"note\": \"🎉\"}\n]\n",
        patched(
            board,
            "E-2",
            Patch.empty().set("status", Json.valueOf("done")).set("note", Json.valueOf("🎉"))));
  }

  @Test
  void escapedAsciiBoard_escapesNonAsciiItWrites() throws IOException {
    String board = "[\n  {\n    \"id\": \"U-1\",\n    \"title\": \"caf\\u00e9\"\n  }\n]\n";
    assertEquals(
        "[\n  {\n    \"id\": \"U-1\",\n    \"title\": \"caf\\u00e9\",\n    \"note\": \"na\\u00efve \\ud83d\\ude80\"\n  }\n]\n",
        patched(board, "U-1", Patch.empty().set("note", Json.valueOf("naïve 🚀"))));
  }

  @Test
  void deepNesting_setsTheInnermostValueOnly() throws IOException {
    String board =
        "[\n  {\n    \"id\": 7,\n    \"a\": {\n      \"b\": {\n        \"c\": {\n          \"d\": [1, {\"e\": null}],\n          \"f\": \"old\"\n        }\n      }\n    }\n  }\n]";
    assertEquals(
        board.replace("\"f\": \"old\"", "\"f\": \"new\""),
        patched(board, "7", Patch.empty().set("a.b.c.f", Json.valueOf("new"))));
  }

  @Test
  void emptyTopLevelArray_getsFirstTaskIndented() throws IOException {
    assertEquals(
        "[\n  {\n    \"id\": \"TASK-001\",\n    \"status\": \"pending\"\n  }\n]\n",
        added("[]\n", "{\"status\":\"pending\"}"));
  }

  @Test
  void emptyWrappedArray_getsFirstTaskIndentedUnderItsKey() throws IOException {
    assertEquals(
        "{\n    \"tasks\": [\n        {\n            \"id\": \"TASK-001\"\n        }\n    ]\n}",
        added("{\n    \"tasks\": []\n}", "{}"));
  }

  @Test
  void emptyObjectMember_isFilledInTheEntryStyle() throws IOException {
    String board = "[\n  {\n    \"id\": \"X\",\n    \"result\": {}\n  }\n]\n";
    assertEquals(
        "[\n  {\n    \"id\": \"X\",\n    \"result\": {\n      \"status\": \"success\"\n    }\n  }\n]\n",
        patched(board, "X", Patch.empty().set("result.status", Json.valueOf("success"))));
  }

  @Test
  void inlineNestedObject_staysInline() throws IOException {
    String board =
        "[\n  {\n    \"id\": \"X\",\n    \"deployment_info\": {\"staging_url\": \"http://s\"}\n  }\n]\n";
    assertEquals(
        "[\n  {\n    \"id\": \"X\",\n    \"deployment_info\": {\"staging_url\": \"http://s\", \"rollback_performed\": false}\n  }\n]\n",
        patched(
            board,
            "X",
            Patch.empty().set("deployment_info.rollback_performed", Json.valueOf("false"))));
  }

  @Test
  void scalarOnThePath_isReplacedByAnObject() throws IOException {
    String board = "[\n  {\n    \"id\": \"X\",\n    \"result\": null\n  }\n]\n";
    assertEquals(
        "[\n  {\n    \"id\": \"X\",\n    \"result\": {\n      \"message\": \"m\"\n    }\n  }\n]\n",
        patched(board, "X", Patch.empty().set("result.message", Json.valueOf("m"))));
  }

  @Test
  void numericIds_continueAsNumbers() throws IOException {
    assertEquals(
        "[{\"id\": 10}, {\"id\": 9}, {\"id\": 11}]", added("[{\"id\": 10}, {\"id\": 9}]", "{}"));
  }

  @Test
  void taskIdScheme_isKeptWithItsPadding() throws IOException {
    String board = "[\n  {\"task_id\": \"T-008\"},\n  {\"task_id\": \"T-009\"}\n]";
    assertEquals(
        "[\n  {\"task_id\": \"T-008\"},\n  {\"task_id\": \"T-009\"},\n  {\"task_id\": \"T-010\"}\n]",
        added(board, "{}"));
  }

  @Test
  void mergeIntoExistingObject_keepsItsOtherFields() throws IOException {
    String board =
        "[\n  {\n    \"id\": \"X\",\n    \"result\": {\n      \"status\": \"failure\",\n      \"log\": \"a.log\"\n    }\n  }\n]\n";
    String out =
        patched(
            board,
            "X",
            Patch.empty()
                .merge(Json.parse("{\"result\": {\"status\": \"success\", \"extra\": {}}}")));
    assertEquals(
        "[\n  {\n    \"id\": \"X\",\n    \"result\": {\n      \"status\": \"success\",\n      \"log\": \"a.log\",\n      \"extra\": {}\n    }\n  }\n]\n",
        out);
  }

  @Test
  void setWholeObject_replacesTheOldOne() throws IOException {
    String board =
        "[\n  {\n    \"id\": \"X\",\n    \"result\": {\n      \"status\": \"failure\",\n      \"log\": \"a.log\"\n    }\n  }\n]\n";
    assertEquals(
        "[\n  {\n    \"id\": \"X\",\n    \"result\": {\n      \"status\": \"success\"\n    }\n  }\n]\n",
        patched(board, "X", Patch.empty().set("result", Json.parse("{\"status\": \"success\"}"))));
  }

  @Test
  void addWithExistingId_isRefusedAndBoardUntouched() throws IOException {
    Path file = write("[{\"id\": \"A\"}]");
    BoardException e =
        assertThrows(
            BoardException.class,
            () -> board(file).add((ObjectNode) Json.parse("{\"id\": \"A\"}")));
    assertEquals(
        file + ": a task with id A already exists; leave the id out to get the next one",
        e.getMessage());
    assertEquals("[{\"id\": \"A\"}]", Files.readString(file));
  }

  @Test
  void symlinkedBoard_isWrittenThroughToItsTarget() throws IOException {
    Path target = write("[{\"id\": \"A\", \"status\": \"pending\"}]");
    Path link = Files.createSymbolicLink(dir.resolve("link.json"), target.getFileName());
    board(link).patch("A", Patch.empty().set("status", Json.valueOf("done")));
    assertEquals(true, Files.isSymbolicLink(link));
    assertEquals("[{\"id\": \"A\", \"status\": \"done\"}]", Files.readString(target));
  }

  @Test
  void permissions_areKept() throws IOException {
    Path file = write("[{\"id\": \"A\"}]");
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
    board(file).patch("A", Patch.empty().set("x", Json.valueOf("1")));
    assertEquals(
        "rw-rw-r--",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void tempFilesAKilledWriterLeft_areRemovedByTheNextWrite() throws IOException {
    Path file = write("[{\"id\": \"A\", \"n\": 0}]");
    Path temp = dir.resolve(".tasks.json.4711.tmp");
    Path staged = dir.resolve(".tasks.json.0b6f2c1e-8d7a-4e55-9a59-1c1f0d0a3e21.bak");
    Path notOurs = dir.resolve(".tasks.json.keep");
    Path otherFile = dir.resolve(".notes.md.4711.tmp");
    Path otherBoard = dir.resolve(".tasks.json.v2.4711.tmp"); // tasks.json.v2's, another lock
    for (Path p : List.of(temp, staged, notOurs, otherFile, otherBoard)) {
      Files.writeString(p, "left over");
    }

    board(file).patch("A", Patch.empty().set("n", Json.valueOf("1")));

    assertFalse(Files.exists(temp), "the temp file is gone");
    assertFalse(Files.exists(staged), "the staged backup is gone");
    assertTrue(Files.exists(notOurs), "a name this protocol does not make stays");
    assertTrue(Files.exists(otherFile), "another file's temp stays");
    assertTrue(Files.exists(otherBoard), "a board named tasks.json.v2 keeps its temp file");
    assertEquals("[{\"id\": \"A\", \"n\": 1}]", Files.readString(file));
  }

  @Test
  void patchGivingATaskAnotherTasksId_isRefusedAndWritesNothing() throws IOException {
    String text = "[{\"id\": \"A\"}, {\"id\": \"B\"}]";
    Path file = write(text);
    BoardException e =
        assertThrows(
            BoardException.class,
            () -> board(file).patch("B", Patch.empty().set("id", Json.valueOf("\"A\""))));
    assertEquals(
        file
            + ": the patch would give task B the id A, which another task has; choose an unused id",
        e.getMessage());
    assertEquals(text, Files.readString(file));
    board(file).patch("B", Patch.empty().set("id", Json.valueOf("\"C\"")));
    assertEquals("[{\"id\": \"A\"}, {\"id\": \"C\"}]", Files.readString(file));
  }

  private String patched(String board, String id, Patch patch) throws IOException {
    Path file = write(board);
    board(file).patch(id, patch);
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private String added(String board, String task) throws IOException {
    Path file = write(board);
    board(file).add((ObjectNode) Json.parse(task));
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private Path write(String board) throws IOException {
    Path file = dir.resolve("tasks.json");
    Files.write(file, board.getBytes(StandardCharsets.UTF_8));
    return file;
  }

  private Board board(Path file) {
    return Board.at(file);
  }
}
