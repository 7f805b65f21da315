package dev.taskboard.devops.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code board patch} on bad boards and bad arguments: the right exit code, one line on stderr
 * naming the file (and line:column where there is one), and not one byte written.
 */
class BoardBadInputTest {
  private static final String BOARD =
      "[\n"
          + "  {\"id\": \"T-1\", \"type\": \"deployment_staging\", \"status\": \"pending\"},\n"
          + "  {\"id\": \"T-2\", \"type\": \"bug_fix\", \"status\": \"done\"}\n"
          + "]\n";

  @TempDir Path tempDir;
  private Path dir;
  private Path board;

  /** What the test put in the board, to compare with what is there after the command. */
  private byte[] written;

  @BeforeEach
  void realPaths() throws IOException {
    // Messages name the board's real path; compare against it even if the temp dir is a link.
    dir = tempDir.toRealPath();
    board = dir.resolve("tasks.json");
  }

  @Test
  void patch_truncatedBoard_isRefusedWhereTheInputEnds() throws IOException {
    write("[\n  {\"id\": \"T-1\", \"status\": \"pending\"},\n  {\"id\": \"T-2\", \"sta");

    Run run = patch("T-1", "--set", "status=in_progress");

    assertRefused(run, ExitCode.BAD_INPUT, board + ":3:21: not valid JSON");
  }

  @Test
  void patch_boardThatIsNotJson_isRefusedAtItsFirstToken() throws IOException {
    write("# Tasks\n\n- [ ] deploy staging\n");

    Run run = patch("T-1", "--set", "status=in_progress");

    assertRefused(run, ExitCode.BAD_INPUT, board + ":1:1: not valid JSON");
  }

  @Test
  void patch_emptyBoard_isRefused() throws IOException {
    write("");

    Run run = patch("T-1", "--set", "status=in_progress");

    assertRefused(run, ExitCode.BAD_INPUT, board + ": is empty");
  }

  @Test
  void patch_missingBoard_isRefusedAndNotCreated() throws IOException {
    Run run = patch("T-1", "--set", "status=in_progress");

    assertRefused(run, ExitCode.BAD_INPUT, board + ": does not exist");
    assertFalse(Files.exists(board));
  }

  @Test
  void patch_directoryAsBoard_isRefused() throws IOException {
    Files.createDirectory(board);
    Files.writeString(board.resolve("keep.txt"), "untouched");

    Run run = patch("T-1", "--set", "status=in_progress");

    assertRefused(run, ExitCode.BAD_INPUT, board + ": is a directory");
    try (Stream<Path> inside = Files.list(board)) {
      assertEquals(List.of(board.resolve("keep.txt")), inside.toList());
    }
    assertEquals("untouched", Files.readString(board.resolve("keep.txt")));
  }

  @Test
  void patch_numericStatus_isRefusedAtItsTask() throws IOException {
    write(
        "[\n  {\"id\": \"T-1\", \"status\": \"pending\"},\n    {\"id\": \"T-2\", \"status\": 5}\n]\n");

    Run run = patch("T-2", "--set", "status=done");

    assertRefused(run, ExitCode.BAD_INPUT, board + ":3:5: task T-2: status must be a string");
  }

  @Test
  void patch_taskWithoutId_isRefusedAtThatTask() throws IOException {
    write("[\n  {\"id\": \"T-1\", \"status\": \"pending\"},\n  {\"type\": \"bug_fix\"}\n]\n");

    Run run = patch("T-1", "--set", "status=in_progress");

    assertRefused(run, ExitCode.BAD_INPUT, board + ":3:3: task 1 has no id or task_id");
  }

  @Test
  void patch_duplicateIds_isRefusedAtTheSecond() throws IOException {
    write(
        "[\n  {\"id\": \"T-1\", \"status\": \"pending\"},\n\n  {\"id\": \"T-1\", \"status\": \"done\"}\n]\n");

    Run run = patch("T-1", "--set", "status=in_progress");

    assertRefused(run, ExitCode.BAD_INPUT, board + ":4:3: duplicate task id T-1 (first at 2:3)");
  }

  @Test
  void patch_fiftyMegabyteValueInThePatchedEntry_isRefusedAtThatEntry() throws IOException {
    byte[] chunk = "x".repeat(1024 * 1024).getBytes(UTF_8);
    try (OutputStream out = Files.newOutputStream(board)) {
      out.write("[\n  {\"id\": \"T-1\", \"status\": \"pending\"},\n  {\n".getBytes(UTF_8));
      out.write(
          "    \"id\": \"T-2\",\n    \"status\": \"pending\",\n    \"log\": \"".getBytes(UTF_8));
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
      out.write("\"\n  }\n]\n".getBytes(UTF_8));
    }
    written = Files.readAllBytes(board);

    Run run = patch("T-2", "--set", "status=in_progress");

    assertRefused(run, ExitCode.BAD_INPUT, board + ":3:3: task T-2 is 52.4 MB");
  }

  @Test
  void patch_setWithoutEquals_isBadInputNamingTheArgument() throws IOException {
    write(BOARD);

    Run run = patch("T-1", "--set", "status");

    // The board is not at fault (and not opened): the message names the argument instead.
    assertRefused(run, ExitCode.BAD_INPUT, "--set takes KEY=VALUE, got: status");
  }

  @Test
  void patch_jsonThatIsNotAnObject_isBadInputNamingTheArgument() throws IOException {
    write(BOARD);

    Run run = patch("T-1", "--json", "[\"status\", \"done\"]");

    assertRefused(
        run, ExitCode.BAD_INPUT, "--json must be a JSON object, got: [\"status\", \"done\"]");
  }

  @Test
  void patch_unknownId_exitsNotFound() throws IOException {
    write(BOARD);

    Run run = patch("T-9", "--set", "status=in_progress");

    assertRefused(run, ExitCode.NOT_FOUND, board + ": no task with id T-9");
  }

  @Test
  void patch_unknownIdWithABidiOverride_isNamedWithTheOverrideEscaped() throws IOException {
    write(BOARD);

    Run run = patch("T-9\u202etxt.exe", "--set", "status=in_progress");

    assertEquals(ExitCode.NOT_FOUND, run.exitCode(), run.err());
    assertTrue(run.err().contains("no task with id T-9"), run.err());
    assertFalse(run.err().contains("\u202e"), "a raw right-to-left override: " + run.err());
  }

  @Test
  void patch_failedExpect_exitsConflict() throws IOException {
    write(BOARD);

    Run run = patch("T-1", "--set", "status=in_progress", "--expect", "status=blocked");

    assertRefused(
        run,
        ExitCode.CONFLICT,
        board + ": task T-1: expected status = \"blocked\" but it is \"pending\"");
  }

  private record Run(int exitCode, String out, String err) {}

  /** {@code board patch ID --board BOARD ARGS...} through {@link Main#run}, output captured. */
  private Run patch(String id, String... args) {
    List<String> line = new ArrayList<>(List.of("board", "patch", id, "--board"));
    line.add(board.toString());
    line.addAll(List.of(args));
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      // Each new CommandLine looks System.out/err up when it first prints: Main.run prints here.
      System.setOut(new PrintStream(out, true, UTF_8));
      System.setErr(new PrintStream(err, true, UTF_8));
      code = Main.run(line.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  private void write(String content) throws IOException {
    written = content.getBytes(UTF_8);
    Files.write(board, written);
  }

  private void assertRefused(Run run, int exitCode, String message) throws IOException {
    assertEquals(exitCode, run.exitCode(), run.err());
    assertEquals("", run.out());
    assertTrue(run.err().endsWith("\n"), run.err());
    String line = run.err().substring(0, run.err().length() - 1);
    assertFalse(line.contains("\n") || line.contains("\r"), "more than one line:\n" + run.err());
    assertTrue(
        line.startsWith("devops-worker: " + message),
        "expected 'devops-worker: " + message + "...', got: " + line);
    assertTrue(line.length() < 400, "not one sentence: " + line.length() + " chars");
    if (written != null) {
      assertArrayEquals(written, Files.readAllBytes(board), "the board changed");
    }
    assertNothingBesideTheBoard();
  }

  /** No backup, temp file or state dir appeared; only the sidecar lock may have. */
  private void assertNothingBesideTheBoard() throws IOException {
    Set<String> allowed =
        Set.of(board.getFileName().toString(), board.getFileName() + ".devops-lock");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of(),
          files.map(f -> f.getFileName().toString()).filter(n -> !allowed.contains(n)).toList());
    }
  }
}
