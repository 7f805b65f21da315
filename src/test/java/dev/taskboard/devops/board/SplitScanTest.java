package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A board read in two halves must give exactly what one pass gives: the same tasks, spans, lines,
 * columns, matches and checksum for a good board, and the same error, word for word, for a bad one
 * — wherever the damage is and wherever the second half guessed its start.
 */
class SplitScanTest {
  private static final int CASES = Integer.getInteger("board.cases", 600) / 2;
  private static final TaskFilter FILTER = TaskFilter.parse("[?(@.status == 'pending')]");

  @TempDir Path dir;

  @BeforeEach
  void meetDeterministically() {
    BoardScanner.waitForSplitPoint = true;
  }

  @AfterEach
  void oneThreadAgain() {
    BoardScanner.splitFrom = BoardScanner.SPLIT_FROM_BYTES;
    BoardScanner.waitForSplitPoint = false;
    FastScan.enabled = true;
  }

  @Test
  void randomBoards_twoHalvesReadExactlyWhatOnePassReads() throws IOException {
    int split = 0;
    for (long seed = 1; seed <= CASES; seed++) {
      Path file = dir.resolve("tasks-" + seed + ".json");
      Files.write(file, board(seed));
      split += compare(file, "seed " + seed) ? 1 : 0;
    }
    assertTrue(split > CASES / 3, "the second half was taken in only " + split + " cases");
  }

  @Test
  void damagedBoards_twoHalvesReportTheSameErrorAsOnePass() throws IOException {
    for (long seed = 1; seed <= CASES; seed++) {
      Random random = new Random(seed);
      byte[] bytes = board(seed);
      int at = bytes.length / 3 + random.nextInt(Math.max(1, bytes.length * 2 / 3));
      byte[] damaged = damage(bytes, Math.min(at, bytes.length - 1), random);
      Path file = dir.resolve("damaged-" + seed + ".json");
      Files.write(file, damaged);
      compare(file, "seed " + seed);
    }
  }

  @Test
  void largerMinifiedBoards_aGuessInsideATaskStillGivesOnePassChecksum() throws IOException {
    // Minified, with arrays of objects in every task: "},{" inside a task looks like the
    // separator between tasks, so the second half's guess often lands inside one and is not
    // taken. Large enough that the first half's checksum has stopped at the guess by then.
    int taken = 0;
    int notTaken = 0;
    for (int seed = 1; seed <= 12; seed++) {
      Random random = new Random(seed);
      StringBuilder text = new StringBuilder("[");
      for (int i = 1; text.length() < 200_000 + seed * 7_919; i++) {
        if (i > 1) {
          text.append(',');
        }
        text.append("{\"id\":\"T-").append(i).append("\",\"status\":\"pending\",\"history\":[");
        for (int h = 0; h < 1 + random.nextInt(4); h++) {
          text.append(h > 0 ? "," : "").append("{\"at\":").append(h).append(",\"by\":\"é\"}");
        }
        text.append("],\"note\":\"").append("x".repeat(random.nextInt(200))).append("\"}");
      }
      Path file = dir.resolve("minified-" + seed + ".json");
      Files.writeString(file, text.append("]"));
      if (compare(file, "minified seed " + seed)) {
        taken++;
      } else {
        notTaken++;
      }
    }
    assertTrue(notTaken > 0 && taken > 0, "taken " + taken + ", not taken " + notTaken);
  }

  @Test
  void duplicateIdAcrossTheHalves_isReportedAtTheSecondOneAsOnePassDoes() throws IOException {
    StringBuilder text = new StringBuilder("[\n");
    for (int i = 1; i <= 40; i++) {
      String id = i == 35 ? "T-3" : "T-" + i;
      text.append("  {\"id\": \"").append(id).append("\", \"status\": \"pending\"}");
      text.append(i < 40 ? ",\n" : "\n");
    }
    Path file = dir.resolve("dup.json");
    Files.writeString(file, text.append("]\n"));
    compare(file, "dup");
    BoardScanner.splitFrom = 0;
    assertEquals(
        "BoardException: "
            + file
            + ":36:3: duplicate task id T-3 (first at 4:3); give one of them"
            + " another id",
        outcome(file));
  }

  @Test
  void contentAfterTheTaskArray_isStillReadOnceTheHalvesJoin() throws IOException {
    // The second half stops at the array's ']'; what follows (the end of the board, valid or
    // not) is read by the first half after it took the second half's tasks.
    String[][] boards = {
      {"[\n", "]\n"},
      {"[\n", "]\nx"},
      {"[\n", "]\n]"},
      {"[\n", "] {}"},
      {"{\"tasks\": [\n", "], \"more\": [1, {\"a\": 2}]}\n"},
      {"{\"tasks\": [\n", "], \"more\": [1, 2}\n"},
      {"{\"tasks\": [\n", "]"},
      {"{\"master\": {\"tasks\": [\n", "]}, \"x\": \"\\u00e9\"}"},
      // more after the array than the second half reads past it
      {"{\"tasks\": [\n", "], \"log\": \"" + "x".repeat(300_000) + "\"}"},
    };
    int joined = 0;
    for (String[] board : boards) {
      StringBuilder text = new StringBuilder(board[0]);
      for (int i = 1; i <= 20_000; i++) {
        text.append("  {\"id\": \"T-").append(i).append("\", \"status\": \"pending\"}");
        text.append(i < 20_000 ? ",\n" : "\n");
      }
      Path file = dir.resolve("after.json");
      Files.writeString(file, text.append(board[1]));
      boolean split = compare(file, board[0] + "…" + board[1]);
      joined += split && !(outcome(file) instanceof String) ? 1 : 0;
    }
    assertEquals(4, joined, "the halves met on each of the four good boards");
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Scans {@code file} in one pass and in two halves, with the Jackson scan and with the fast scan;
   * returns whether the halves met in both.
   */
  private static boolean compare(Path file, String what) throws IOException {
    BoardScanner.splitFrom = Long.MAX_VALUE;
    FastScan.enabled = false;
    Object one = outcome(file);
    BoardScanner.splitFrom = 0;
    boolean split = true;
    for (boolean fast : new boolean[] {false, true}) {
      FastScan.enabled = fast;
      Object two = outcome(file);
      split &= BoardScanner.lastScanWasSplit;
      assertEquals(one, two, what + (fast ? " (fast scan): " : ": ") + file.getFileName());
    }
    return split;
  }

  private record Outcome(
      FileState state, long arrayOpen, long arrayClose, List<Slot> slots, List<Slot> matches) {}

  /** What a scan found, or the message of the error it reported. */
  private static Object outcome(Path file) throws IOException {
    try (Snapshot s = BoardScanner.scan(file, ArrayPath.auto(), FILTER, Set.of("T-2"))) {
      return new Outcome(
          s.state, s.arrayOpen, s.arrayClose, new ArrayList<>(s.slots), List.copyOf(s.matches));
    } catch (BoardException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  /** A random board of 2–40 tasks in a random layout, with nested arrays of objects in tasks. */
  private static byte[] board(long seed) {
    RandomBoards gen = new RandomBoards(seed);
    ArrayNode tasks = gen.tasks().removeAll();
    int n = 2 + gen.random().nextInt(39);
    for (int i = 1; i <= n; i++) {
      ObjectNode task = gen.object(2);
      task.remove(List.of("id", "task_id", "status"));
      ObjectNode withId = tasks.addObject();
      withId.put(gen.idKey, "T-" + i);
      withId.put("status", gen.random().nextBoolean() ? "pending" : "done");
      if (gen.random().nextInt(3) == 0) {
        withId.putArray("steps").addObject().put("x", 1);
        withId.withArray("steps").addObject().put("y", "}, {");
      }
      withId.setAll(task);
    }
    return gen.render(tasks).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] damage(byte[] bytes, int at, Random random) {
    List<Byte> b = new ArrayList<>();
    for (byte x : bytes) {
      b.add(x);
    }
    switch (random.nextInt(6)) {
      case 0 -> b.set(at, (byte) (b.get(at) ^ (1 << random.nextInt(8))));
      case 1 -> b.remove(at);
      case 2 -> b.add(at, (byte) '"');
      case 3 -> b.add(at, (byte) '}');
      case 4 -> b.subList(at, b.size()).clear();
      default -> b.add(at, (byte) 0xC3); // a lone UTF-8 lead byte
    }
    byte[] out = new byte[b.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i);
    }
    return out;
  }
}
