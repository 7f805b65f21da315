package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast scan against the Jackson scan, on the same file: where the Jackson scan refuses a board
 * the fast scan must give up (and leave it to the Jackson scan's message); where both read it, they
 * must report exactly the same tasks, spans, lines, columns, matches and checksum.
 */
class FastScanTest {
  private static final int CASES = Integer.getInteger("board.cases", 600);
  private static final String[] FILTERS = {
    TaskFilter.DEFAULT_EXPRESSION,
    "[?(@.status == 'pending')]",
    "[?(@.agent == 'DevOps-Engineer' && @.payload)]",
    "[?(@.id == 'T-002' || @.task_id == 3)]",
    "[?(@..status)]", // the whole task
  };

  @TempDir Path dir;

  @AfterEach
  void fastAgain() {
    FastScan.enabled = true;
  }

  static Stream<Path> fixtures() throws IOException {
    return FixtureBoardsTest.boards();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void fixtureBoards_areReadByTheFastScanExactlyAsByJackson(Path fixture) throws IOException {
    for (String filter : FILTERS) {
      assertTrue(compare(fixture, filter), fixture + ": the fast scan gave up on a good board");
    }
  }

  @Test
  void randomBoards_fastScanReadsEveryOneExactlyAsJackson() throws IOException {
    for (long seed = 1; seed <= CASES; seed++) {
      RandomBoards gen = new RandomBoards(seed);
      ArrayNode tasks = gen.tasks();
      Path file = dir.resolve("tasks-" + seed + ".json");
      Files.writeString(file, gen.render(tasks));
      assertTrue(
          compare(file, FILTERS[(int) (seed % FILTERS.length)]),
          "seed " + seed + ": the fast scan gave up on a good board");
    }
  }

  @Test
  void damagedBoards_fastScanNeverAcceptsWhatJacksonRefuses() throws IOException {
    int refused = 0;
    for (long seed = 1; seed <= CASES; seed++) {
      Random random = new Random(seed);
      RandomBoards gen = new RandomBoards(seed);
      byte[] bytes = gen.render(gen.tasks()).getBytes(StandardCharsets.UTF_8);
      for (int edits = 1 + random.nextInt(3); edits > 0 && bytes.length > 0; edits--) {
        bytes = damage(bytes, random.nextInt(bytes.length), random);
      }
      Path file = dir.resolve("damaged-" + seed + ".json");
      Files.write(file, bytes);
      if (!compare(file, FILTERS[(int) (seed % FILTERS.length)])) {
        refused++;
      }
    }
    assertTrue(refused > CASES / 4, "only " + refused + " damaged boards were refused");
  }

  /**
   * Token-level fuzzing of the values the fast scan steps over: a random JSON value (escapes of
   * every kind, numbers in every form, UTF-8 of every length, deep nesting), then, in most cases,
   * one to three edits of a token or a byte (dropped, doubled, replaced by a near miss such as
   * {@code 01}, {@code 1.}, {@code tru}, {@code \\x}, a lone surrogate's UTF-8, a trailing comma).
   * Where Jackson refuses the board the fast scan must give up; where Jackson reads it, the fast
   * scan must read it the same (or, for what it leaves to Jackson, give up).
   */
  @Test
  void tokenFuzzedValues_fastScanAcceptsExactlyWhatJacksonAccepts() throws IOException {
    int accepted = 0;
    int refused = 0;
    for (long seed = 1; seed <= CASES * 2L; seed++) {
      Random random = new Random(seed);
      List<String> tokens = new ArrayList<>();
      value(random, tokens, 0);
      boolean edited = random.nextInt(4) != 0;
      if (edited) {
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
          edit(random, tokens);
        }
      }
      String member = random.nextBoolean() ? "x" : "agent"; // skipped, or a field the filter reads
      Path file = dir.resolve("token-" + seed + ".json");
      StringBuilder value = new StringBuilder();
      tokens.forEach(value::append);
      Files.write(
          file,
          concat(
              ("[\n  {\"id\": \"T-1\", \"status\": \"pending\", \"" + member + "\": ")
                  .getBytes(StandardCharsets.UTF_8),
              value.toString().getBytes(StandardCharsets.ISO_8859_1),
              "},\n  {\"id\": \"T-2\"}\n]\n".getBytes(StandardCharsets.UTF_8)));
      boolean jacksonRefuses = jacksonRefuses(file);
      boolean fastRead = compare(file, FILTERS[(int) (seed % 3)]);
      if (jacksonRefuses) {
        refused++;
      } else if (fastRead) {
        accepted++;
      } else {
        assertTrue(
            edited || tokens.size() > 200,
            "seed " + seed + ": gave up on " + String.join("", tokens));
      }
    }
    assertTrue(refused > CASES / 4, "only " + refused + " refused");
    assertTrue(accepted > CASES / 2, "only " + accepted + " accepted by both");
  }

  /** Tokens of a random value; bytes as ISO-8859-1 chars (so invalid UTF-8 can be written). */
  private static void value(Random random, List<String> out, int depth) {
    switch (random.nextInt(depth > 6 ? 4 : 7)) {
      case 0 -> out.add(string(random));
      case 1 -> out.add(number(random));
      case 2 -> out.add(new String[] {"true", "false", "null"}[random.nextInt(3)]);
      case 3 -> out.add(space(random) + string(random) + space(random));
      case 4, 5 -> {
        out.add("{");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          out.add(space(random) + string(random) + space(random));
          out.add(":");
          out.add(space(random));
          value(random, out, depth + 1);
          if (i < n - 1) {
            out.add(",");
          }
        }
        out.add(space(random) + "}");
      }
      default -> {
        out.add("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          out.add(space(random));
          value(random, out, depth + 1);
          if (i < n - 1) {
            out.add(",");
          }
        }
        out.add(space(random) + "]");
      }
    }
  }

  private static final String[] PIECES = {
    "a",
    "Z",
    " ",
    "\\\"",
    "\\\\",
    "\\/",
    "\\b",
    "\\f",
    "\\n",
    "\\r",
    "\\t",
    "\\u00e9",
    "\\uD83D\\uDE80",
    "\\ud800",
    "\\u0000",
    "\\uFFFF",
    "\u007f",
    utf8("é"),
    utf8("€"),
    utf8("部"),
    utf8("🚀"),
    utf8("\uFFFF"),
    utf8("\u0080"),
    utf8("\u07FF"),
    utf8("\u0800"),
    utf8("\uD7FF"),
    utf8("\uE000"),
    utf8("\uDBFF\uDFFF"),
  };

  private static String string(Random random) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = random.nextInt(6); i > 0; i--) {
      sb.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return sb.append('"').toString();
  }

  private static String number(Random random) {
    StringBuilder sb = new StringBuilder(random.nextInt(3) == 0 ? "-" : "");
    sb.append(random.nextInt(3) == 0 ? "0" : String.valueOf(1 + random.nextInt(99999)));
    if (random.nextInt(3) == 0) {
      sb.append('.').append(random.nextInt(1000));
    }
    if (random.nextInt(4) == 0) {
      sb.append("eE".charAt(random.nextInt(2)))
          .append(new String[] {"", "+", "-"}[random.nextInt(3)])
          .append(random.nextInt(400));
    }
    return sb.toString();
  }

  private static String space(Random random) {
    return new String[] {"", "", " ", "\n    ", "\t", "\r\n", "\r"}[random.nextInt(7)];
  }

  private static final String[] NEAR_MISSES = {
    "01",
    "-",
    "1.",
    ".5",
    "1e",
    "+1",
    "-01",
    "tru",
    "nul",
    "True",
    "NaN",
    "'a'",
    ",",
    ":",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\"\\x\"",
    "\"\\u12\"",
    "\"\\u12G4\"",
    "\"a\u0001b\"",
    "\"\u00ed\u00a0\u0080\"",
    "\"\u00c0\u0080\"",
    "\"\u00e0\u0080\u0080\"",
    "\"\u00f4\u0090\u0080\u0080\"",
    "\"\u00c3\"",
    "\u000b",
    "\u000c",
    "\u00a0",
    "//",
    "/* */",
    "\u0000",
    "\"\u00ff\"",
    "\"\u00f8\u0088\u0080\u0080\u0080\"",
  };

  private static void edit(Random random, List<String> tokens) {
    int at = random.nextInt(tokens.size());
    switch (random.nextInt(4)) {
      case 0 -> tokens.remove(at);
      case 1 -> tokens.add(at, tokens.get(at));
      case 2 -> tokens.set(at, NEAR_MISSES[random.nextInt(NEAR_MISSES.length)]);
      default -> tokens.add(at, NEAR_MISSES[random.nextInt(NEAR_MISSES.length)]);
    }
    if (tokens.isEmpty()) {
      tokens.add("1");
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String utf8(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** Inside a task, each of these is refused by Jackson; the fast scan must give up on it. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "01",
        "-",
        "+1",
        "1.",
        ".5",
        "1e",
        "1e+",
        "-01",
        "1.e5",
        "0x10",
        "NaN",
        "Infinity",
        "tru",
        "nul",
        "falsey",
        "True",
        "'x'",
        "\"a\tb\"",
        "\"\\x\"",
        "\"\\u12G4\"",
        "\"\\u12\"",
        "[1,]",
        "[,1]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":1 \"b\":2}",
        "[1 2]",
        "\"\u0001\"",
        "/* c */ 1",
        "1 // c",
        "[",
        "{",
        "\"open",
        "]",
        "}",
        "[1}",
        "{\"a\":1]",
        // a member name with half a surrogate pair (Jackson takes one in a value, not a name)
        "{\"\\ud800\": 1}",
        "{\"a\\udc00\": 1}",
        "{\"\\ud800\\u0041\": 1}",
        "{\"\\ud800x\\udc00\": 1}",
      })
  void valuesJacksonRefuses_makeTheFastScanGiveUp(String value) throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(
        file, "[\n  {\"id\": \"T-1\", \"status\": \"pending\", \"x\": " + value + "}\n]\n");
    assertTrue(jacksonRefuses(file), "Jackson accepts " + value);
    assertNull(fast(file, FILTERS[0]), value);
  }

  /** Bytes that are not UTF-8 (or a code point UTF-8 may not encode), inside a string. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "80",
        "BF",
        "C0 80",
        "C1 BF",
        "C3",
        "C3 28",
        "E0 80 80",
        "E0 9F BF",
        "ED A0 80",
        "ED BF BF",
        "EF BF",
        "F0 80 80 80",
        "F0 8F BF BF",
        "F4 90 80 80",
        "F5 80 80 80",
        "FF",
        "F8 88 80 80 80",
      })
  void invalidUtf8_makesTheFastScanGiveUp(String hex) throws IOException {
    Path file = dir.resolve("utf8.json");
    Files.write(
        file,
        concat(
            "[{\"id\": \"T-1\", \"note\": \"a".getBytes(StandardCharsets.US_ASCII),
            HexFormat.ofDelimiter(" ").parseHex(hex),
            "b\"}]".getBytes(StandardCharsets.US_ASCII)));
    assertNull(fast(file, FILTERS[0]), hex);
  }

  /** Things that are JSON but unusual: both scans read them, the same way. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "[{\"st\\u0061tus\": \"pending\", \"\\u0069d\": \"T-\\u00e9\\ud83d\\ude00\\n\", "
            + "\"agent\": \"DevOps-Engineer\", \"type\": \"deployment_staging\"}]",
        "[{\"id\": \"T-1\", \"id\": \"T-2\", \"status\": \"done\", \"status\": \"pending\"}]",
        "[{\"id\": 7, \"status\": \"pending\"}, {\"task_id\": -12, \"id\": 1.50}]",
        "[{\"id\": \"lone \\ud800 surrogate\", \"x\": [[[[{}]]], {\"y\": [true, false, null]}]}]",
        "[{\"id\": \"T-1\", \"x\": {\"\\ud83d\\ude80\": \"\\udc00\\ud800\"}}]",
        "\r\n\t [\r{\"id\": \"é\"},\r\n{\"id\": \"ü\"}\n,\n{\"id\": \"ß\"}] \r\n",
        "\uFEFF[{\"id\": \"bom\"}]",
        "[]",
        "{\"version\": 2, \"tasks\": [], \"more\": {\"tasks\": 1}}",
        "{\"master\": {\"x\": [1, 2e-7, -0.0E+1], \"tasks\": [{\"id\": \"M-1\"}]}}",
        "[{\"id\": \"T-1\", \"agent\": \"DevOps-Engineer\", \"status\": \"pending\","
            + " \"type\": \"deployment_\\u0073taging\"}]",
      })
  void unusualButValidBoards_areReadTheSameWay(String board) throws IOException {
    Path file = dir.resolve("unusual.json");
    Files.writeString(file, board);
    for (String filter : FILTERS) {
      assertTrue(compare(file, filter), board);
    }
  }

  @Test
  void nestingDeeperThanTheFastScanGoes_isLeftToJackson() throws IOException {
    Path file = dir.resolve("deep.json");
    int depth = FastScan.MAX_DEPTH + 1;
    Files.writeString(
        file, "[{\"id\": \"T-1\", \"x\": " + "[".repeat(depth) + "]".repeat(depth) + "}]");
    assertNull(fast(file, FILTERS[0]));
    FastScan.enabled = false;
    try (Snapshot s = BoardScanner.scan(file, ArrayPath.auto(), TaskFilter.parse(FILTERS[0]))) {
      assertEquals(1, s.slots.size()); // Jackson reads it
    }
  }

  @Test
  void aLongMemberNameAboveTheTaskArray_isLeftToJackson() throws IOException {
    Path file = dir.resolve("long-name.json");
    Files.writeString(file, "{\"" + "x".repeat(50_001) + "\": 1, \"tasks\": [{\"id\": \"a\"}]}");
    assertNull(fast(file, FILTERS[0]));
    assertEquals(
        file
            + ": beyond what the board reader takes (Name length (50001) exceeds the"
            + " maximum allowed (50000)); shorten or flatten it",
        jackson(file, FILTERS[0]));
  }

  @Test
  void aTaskArrayDeeperThanJacksonTakes_isLeftToJackson() throws IOException {
    // 760 objects on the way to the array, values 250 deep inside a task: each alone is within
    // the fast scan's bounds, together beyond Jackson's 1,000.
    int levels = 760;
    ArrayPath path = ArrayPath.parse("$" + ".a".repeat(levels));
    Path file = dir.resolve("deep-path.json");
    Files.writeString(
        file,
        "{\"a\":".repeat(levels)
            + "[{\"id\": \"x\", \"v\": "
            + "[".repeat(250)
            + "]".repeat(250)
            + "}]"
            + "}".repeat(levels));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      assertNull(FastScan.scan(file, channel, FileState.attributesOf(file), path, null, ALSO));
    }
    FastScan.enabled = false;
    BoardException refused =
        assertThrows(BoardException.class, () -> BoardScanner.scan(file, path, null).close());
    assertTrue(
        refused.getMessage().contains("exceeds the maximum allowed (1000)"), refused.getMessage());
  }

  @Test
  void valuesAcrossBufferRefills_areReadWhole() throws IOException {
    // Tasks of varying length so that names, values, escapes, UTF-8 sequences and CR LF pairs
    // fall on the buffer's edge somewhere.
    StringBuilder text = new StringBuilder("[\r\n");
    Random random = new Random(7);
    for (int i = 1; text.length() < 3_000_000; i++) {
      text.append(i > 1 ? ",\r\n" : "")
          .append("  {\"id\": \"T-")
          .append(i)
          .append("\", \"status\": \"pending\", \"agent\": \"DevOps-Engineer\", \"note\": \"")
          .append("é€😀\\n\\u00e9".repeat(random.nextInt(40)))
          .append("\", \"type\": \"deployment_staging\"}");
    }
    Path file = dir.resolve("long.json");
    Files.writeString(file, text.append("\r\n]"));
    assertTrue(compare(file, FILTERS[0]));
    try (Snapshot s = fast(file, FILTERS[0])) {
      assertEquals(s.slots.size(), s.matches.size());
    }
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Scans {@code file} both ways; true when the fast scan read it (and then agreed), false when it
   * gave up (and then Jackson must have refused, or the board is one it leaves to Jackson).
   */
  private static boolean compare(Path file, String filter) throws IOException {
    Object jackson = jackson(file, filter);
    try (Snapshot fast = fast(file, filter)) {
      if (fast == null) {
        return false;
      }
      assertEquals(jackson, outcome(fast), file.getFileName() + " with " + filter);
      return true;
    }
  }

  private static boolean jacksonRefuses(Path file) throws IOException {
    return jackson(file, FILTERS[0]) instanceof String;
  }

  private static Object jackson(Path file, String filter) throws IOException {
    FastScan.enabled = false;
    try (Snapshot s = BoardScanner.scan(file, ArrayPath.auto(), TaskFilter.parse(filter), ALSO)) {
      return outcome(s);
    } catch (BoardException e) {
      return e.getMessage();
    } finally {
      FastScan.enabled = true;
    }
  }

  private static final Set<String> ALSO = Set.of("T-004");

  private static Snapshot fast(Path file, String filter) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    Snapshot s =
        FastScan.scan(
            file,
            channel,
            FileState.attributesOf(file),
            ArrayPath.auto(),
            new Verdicts(TaskFilter.parse(filter)),
            ALSO);
    if (s == null) {
      channel.close();
    } else {
      assertNotNull(s.state);
    }
    return s;
  }

  private record Outcome(
      FileState state, long arrayOpen, long arrayClose, List<Slot> slots, List<Slot> matches) {}

  private static Outcome outcome(Snapshot s) {
    return new Outcome(
        s.state, s.arrayOpen, s.arrayClose, new ArrayList<>(s.slots), List.copyOf(s.matches));
  }

  private static byte[] damage(byte[] bytes, int at, Random random) {
    byte[] punctuation = "{}[]\":,\\ \n0-.eu".getBytes(StandardCharsets.US_ASCII);
    byte b =
        random.nextBoolean()
            ? punctuation[random.nextInt(punctuation.length)]
            : (byte) random.nextInt(256);
    return switch (random.nextInt(4)) {
      case 0 -> { // replace
        byte[] out = bytes.clone();
        out[at] = b;
        yield out;
      }
      case 1 -> { // delete
        byte[] out = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
        yield out;
      }
      case 2 -> { // insert
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, at);
        out[at] = b;
        System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
        yield out;
      }
      default -> java.util.Arrays.copyOf(bytes, at); // truncate
    };
  }
}
