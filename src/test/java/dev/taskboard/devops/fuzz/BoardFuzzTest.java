package dev.taskboard.devops.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.FixtureBoards;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property-based fuzzing of the board scanner and patcher: real and generated boards, randomly
 * damaged byte by byte, then select / read / get / patch / add / addIfAbsent.
 *
 * <ul>
 *   <li>nothing but an IOException (BoardException and its kinds) escapes, one line, naming the
 *       file;
 *   <li>a failed call leaves the file byte-identical (and so does every read);
 *   <li>a successful patch changes only bytes inside the patched entry's span (found independently
 *       with Jackson's streaming parser), the result parses, the set values read back and the
 *       entry's other fields are unchanged;
 *   <li>a successful add inserts at one point (after the last entry, or in place of an empty array)
 *       and the new task reads back.
 * </ul>
 */
class BoardFuzzTest {
  private static final int CI_CASES = 250;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonFactory PLAIN = new JsonFactory();
  private static final String[] FILTERS = {
    TaskFilter.DEFAULT_EXPRESSION,
    "@.status == 'pending'",
    "@.agent == 'DevOps-Engineer'",
    "@.payload.title =~ /.*a.*/",
    "@.priority in ['high', 'critical']",
    "@.result",
    "@..status",
    "@.type == 'deployment_staging' || @.status != 'done'"
  };
  private static final String[] STATUSES = {
    "pending", "in_progress", "done", "failed", "blocked", "deployed"
  };
  private static final String[] AGENTS = {"DevOps-Engineer", "Task-Coder", "Tester"};
  private static final String[] TYPES = {
    "deployment_staging", "deployment_production", "infrastructure_setup", "monitoring_setup", "x"
  };

  /** No path is a prefix of another, so each set's value must read back. */
  private static final String[] SET_PATHS = {
    "status",
    "updated_at",
    "result.status",
    "result.message",
    "result.deployment_info.url",
    "claimed_by.host",
    "payload.fuzz",
    "x_fuzz",
    "tags",
    "priority",
    "é部署",
    "with \"quote\""
  };

  private static final List<byte[]> FIXTURES = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static void readFixtures() throws IOException {
    for (Path f : FixtureBoards.all()) {
      FIXTURES.add(Files.readAllBytes(f));
    }
  }

  @Test
  void damagedBoardsFailCleanlyAndPatchesStayInsideTheirEntry() {
    Fuzz.run("board fuzz", CI_CASES, Duration.ofSeconds(20), this::oneCase);
  }

  private void oneCase(long seed) throws Exception {
    Random r = new Random(seed);
    byte[] original =
        !FIXTURES.isEmpty() && r.nextInt(3) == 0
            ? FIXTURES.get(r.nextInt(FIXTURES.size()))
            : generated(r);
    byte[] content = r.nextInt(5) < 3 ? Fuzz.mutate(r, original, 3) : original;
    Path file = dir.resolve("tasks.json");
    Files.write(file, content);
    Board board = Board.at(file);
    int ops = 1 + r.nextInt(3);
    for (int i = 0; i < ops; i++) {
      operate(r, board, file);
    }
  }

  private void operate(Random r, Board board, Path file) throws IOException {
    byte[] before = Files.readAllBytes(file);
    Layout layout = Layout.of(before);
    int op = r.nextInt(10);
    String what = "";
    try {
      switch (op) {
        case 0 -> {
          what = "select";
          board.select(TaskFilter.parse(Fuzz.pick(r, FILTERS)));
          assertArrayEquals(before, Files.readAllBytes(file), "select changed the file");
        }
        case 1 -> {
          what = "read";
          board.read(TaskFilter.parse(Fuzz.pick(r, FILTERS)), Set.of(anId(r, layout)));
          assertArrayEquals(before, Files.readAllBytes(file), "read changed the file");
        }
        case 2 -> {
          String id = anId(r, layout);
          what = "get " + id;
          Task t = board.get(id);
          assertEquals(id, t.id());
          assertArrayEquals(before, Files.readAllBytes(file), "get changed the file");
        }
        case 3, 4, 5, 6 -> {
          String id = anId(r, layout);
          Patch patch = patch(r, layout, id);
          what = "patch " + id + " " + patch;
          board.patch(id, patch);
          checkPatch(before, Files.readAllBytes(file), layout, id, patch);
        }
        default -> {
          ObjectNode task = task(r, layout);
          boolean ifAbsent = r.nextInt(3) == 0;
          what = (ifAbsent ? "addIfAbsent " : "add ") + task;
          Task added = ifAbsent ? board.addIfAbsent(task, "payload.key") : board.add(task);
          checkAdd(before, Files.readAllBytes(file), layout, added.id());
        }
      }
    } catch (IOException e) {
      String m = e.getMessage();
      assertTrue(Fuzz.oneLine(m), what + ": message is not one line: " + m);
      assertTrue(m.contains(file.toString()), what + ": message does not name the file: " + m);
      assertArrayEquals(
          before,
          Files.readAllBytes(file),
          what + " failed (" + m + ") but changed the file:\n" + Fuzz.show(before));
    } catch (AssertionError e) {
      throw new AssertionError(what + " on\n" + Fuzz.show(before) + "\n" + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new AssertionError(
          what + " threw " + e + " (not an IOException) on\n" + Fuzz.show(before), e);
    }
  }

  private static void checkPatch(byte[] before, byte[] after, Layout layout, String id, Patch patch)
      throws IOException {
    assertNotNull(layout, "patch succeeded on a board Jackson cannot read");
    long[] span = layout.spans.get(id);
    assertNotNull(span, "patch succeeded but the original has no entry " + id);
    int start = (int) span[0];
    int end = (int) span[1];
    int tail = before.length - end;
    assertTrue(after.length >= start + tail, "result shorter than the bytes outside the entry");
    assertArrayEquals(
        Arrays.copyOfRange(before, 0, start),
        Arrays.copyOfRange(after, 0, start),
        "bytes before the entry changed");
    assertArrayEquals(
        Arrays.copyOfRange(before, end, before.length),
        Arrays.copyOfRange(after, after.length - tail, after.length),
        "bytes after the entry changed");
    Layout now = Layout.of(after);
    assertNotNull(now, "the patched board does not parse:\n" + Fuzz.show(after));
    long[] newSpan = now.spans.get(id);
    assertNotNull(newSpan, "the patched board lost entry " + id);
    assertEquals(start, newSpan[0], "entry moved");
    assertEquals(after.length - tail, newSpan[1], "entry does not end where the suffix starts");
    JsonNode old = Json.MAPPER.readTree(Arrays.copyOfRange(before, start, end));
    JsonNode updated = Json.MAPPER.readTree(Arrays.copyOfRange(after, start, after.length - tail));
    Set<String> touched = new java.util.HashSet<>();
    for (Patch.Field set : patch.sets()) {
      touched.add(set.path().names().get(0));
      boolean skipped = set.merge() && set.path().in(old).isObject();
      JsonNode expected = skipped ? set.path().in(old) : set.value();
      assertSame(expected, set.path().in(updated), "field " + set.path());
    }
    old.fieldNames()
        .forEachRemaining(
            name -> {
              if (!touched.contains(name)) {
                assertSame(old.get(name), updated.get(name), "untouched field " + name);
              }
            });
  }

  private static void checkAdd(byte[] before, byte[] after, Layout layout, String id)
      throws IOException {
    assertNotNull(layout, "add succeeded on a board Jackson cannot read");
    int cutFrom;
    int cutTo;
    if (layout.order.isEmpty()) {
      cutFrom = (int) layout.arrayOpen;
      cutTo = (int) layout.arrayClose + 1;
    } else {
      cutFrom = cutTo = (int) layout.spans.get(layout.order.get(layout.order.size() - 1))[1];
    }
    int tail = before.length - cutTo;
    assertArrayEquals(
        Arrays.copyOfRange(before, 0, cutFrom),
        Arrays.copyOfRange(after, 0, cutFrom),
        "bytes before the insertion point changed");
    assertArrayEquals(
        Arrays.copyOfRange(before, cutTo, before.length),
        Arrays.copyOfRange(after, after.length - tail, after.length),
        "bytes after the insertion point changed");
    Layout now = Layout.of(after);
    assertNotNull(now, "the board after add does not parse:\n" + Fuzz.show(after));
    assertTrue(now.spans.containsKey(id), "the added task " + id + " is not on the board");
    for (String old : layout.order) {
      assertTrue(now.spans.containsKey(old), "add lost task " + old);
    }
  }

  private static void assertSame(JsonNode expected, JsonNode actual, String what) {
    if (expected != null
        && actual != null
        && expected.isNumber()
        && actual.isNumber()
        && expected.decimalValue().compareTo(actual.decimalValue()) == 0) {
      return;
    }
    assertEquals(expected, actual, what);
  }

  // --- generation ---

  private static String anId(Random r, Layout layout) {
    if (layout != null && !layout.order.isEmpty() && r.nextInt(6) != 0) {
      return layout.order.get(r.nextInt(layout.order.size()));
    }
    // Printable only: a caller's id with a line break is a known bug, see
    // taskNotFoundMessageIsOneLineForAnIdWithALineBreak.
    return r.nextBoolean()
        ? "T-" + r.nextInt(20)
        : Fuzz.randomText(r, 1 + r.nextInt(5)).replaceAll("\\p{Cc}", "?");
  }

  private static Patch patch(Random r, Layout layout, String id) {
    Patch p = Patch.empty();
    if (r.nextInt(4) == 0) {
      p = p.expect("status", NODES.textNode(Fuzz.pick(r, STATUSES)));
    }
    if (r.nextInt(8) == 0) {
      p = p.expect("result.attempts", NODES.nullNode());
    }
    if (r.nextInt(5) == 0) {
      ObjectNode merge = NODES.objectNode();
      merge.set("result", NODES.objectNode().put("status", "success").set("extra", value(r, 1)));
      if (r.nextBoolean()) {
        merge.set("claimed_by", NODES.objectNode());
      }
      return p.merge(merge);
    }
    List<String> paths = new ArrayList<>(Arrays.asList(SET_PATHS));
    java.util.Collections.shuffle(paths, r);
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      p = p.set(paths.get(i), value(r, 2));
    }
    return p;
  }

  private static JsonNode value(Random r, int depth) {
    return switch (r.nextInt(depth > 0 ? 8 : 6)) {
      case 0, 1 -> NODES.textNode(Fuzz.pick(r, STATUSES));
      case 2 -> NODES.textNode(Fuzz.randomText(r, r.nextInt(12)));
      case 3 -> NODES.numberNode(r.nextInt(2000) - 1000);
      case 4 -> r.nextBoolean() ? NODES.booleanNode(r.nextBoolean()) : NODES.nullNode();
      case 5 -> NODES.numberNode(new java.math.BigDecimal(r.nextInt(100000)).movePointLeft(2));
      case 6 -> {
        ArrayNode a = NODES.arrayNode();
        for (int i = r.nextInt(3); i > 0; i--) {
          a.add(value(r, depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        for (int i = r.nextInt(3); i > 0; i--) {
          o.set(Fuzz.randomText(r, 1 + r.nextInt(4)), value(r, depth - 1));
        }
        yield o;
      }
    };
  }

  private static ObjectNode task(Random r, Layout layout) {
    ObjectNode t = NODES.objectNode();
    int idChoice = r.nextInt(4);
    if (idChoice == 0) {
      t.put(r.nextBoolean() ? "id" : "task_id", anId(r, layout));
    } else if (idChoice == 1) {
      t.put("id", "NEW-" + r.nextInt(1_000_000));
    }
    t.put("type", Fuzz.pick(r, TYPES));
    t.put("status", Fuzz.pick(r, STATUSES));
    t.put("agent", Fuzz.pick(r, AGENTS));
    ObjectNode payload = t.putObject("payload");
    payload.put("key", "k" + r.nextInt(4));
    payload.set("data", value(r, 2));
    return t;
  }

  private static byte[] generated(Random r) throws IOException {
    ArrayNode tasks = NODES.arrayNode();
    boolean numeric = r.nextInt(4) == 0;
    String idKey = r.nextBoolean() ? "id" : "task_id";
    for (int i = 1, n = r.nextInt(7); i <= n; i++) {
      ObjectNode t = tasks.addObject();
      if (numeric) {
        t.put(idKey, i);
      } else {
        t.put(idKey, String.format("T-%03d", i));
      }
      t.put("status", Fuzz.pick(r, STATUSES));
      t.put("agent", Fuzz.pick(r, AGENTS));
      t.put("type", Fuzz.pick(r, TYPES));
      if (r.nextBoolean()) {
        t.set("payload", value(r, 2));
      }
      if (r.nextBoolean()) {
        t.set("result", value(r, 2));
      }
    }
    JsonNode root =
        switch (r.nextInt(3)) {
          case 0 -> tasks;
          case 1 -> NODES.objectNode().put("version", 1).set("tasks", tasks);
          default ->
              NODES
                  .objectNode()
                  .set("master", NODES.objectNode().put("name", "m").set("tasks", tasks));
        };
    String text;
    if (r.nextInt(4) == 0) {
      text = Json.compact(root);
    } else {
      String unit = Fuzz.pick(r, new String[] {"  ", "    ", "\t"});
      String eol = r.nextInt(4) == 0 ? "\r\n" : "\n";
      DefaultIndenter indenter = new DefaultIndenter(unit, eol);
      DefaultPrettyPrinter printer =
          new DefaultPrettyPrinter().withObjectIndenter(indenter).withArrayIndenter(indenter);
      text = Json.MAPPER.writer(printer).writeValueAsString(root);
      if (r.nextBoolean()) {
        text += eol;
      }
    }
    if (r.nextInt(6) == 0) {
      text = "\uFEFF" + text;
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The board as Jackson's streaming parser sees it, independently of the code under test: the task
   * array ($, $.tasks or $.master.tasks) and each entry's byte span, keyed by id.
   */
  private static final class Layout {
    final Map<String, long[]> spans = new LinkedHashMap<>();
    final List<String> order = new ArrayList<>();
    long arrayOpen = -1;
    long arrayClose = -1;

    /** Null when the bytes are not one JSON value with a task array. */
    static Layout of(byte[] bytes) {
      try (JsonParser p = PLAIN.createParser(bytes)) {
        Layout l = new Layout();
        JsonToken first = p.nextToken();
        if (first == JsonToken.START_ARRAY) {
          l.tasks(p, bytes);
        } else if (first == JsonToken.START_OBJECT) {
          l.object(p, bytes, 0);
        } else {
          return null;
        }
        if (p.nextToken() != null || l.arrayOpen < 0) {
          return null;
        }
        return l;
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    private void object(JsonParser p, byte[] bytes, int depth) throws IOException {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("tasks") && v == JsonToken.START_ARRAY && arrayOpen < 0) {
          tasks(p, bytes);
        } else if (depth == 0 && name.equals("master") && v == JsonToken.START_OBJECT) {
          object(p, bytes, 1);
        } else {
          p.skipChildren();
        }
      }
    }

    private void tasks(JsonParser p, byte[] bytes) throws IOException {
      arrayOpen = p.currentTokenLocation().getByteOffset();
      while (p.nextToken() == JsonToken.START_OBJECT) {
        long start = p.currentTokenLocation().getByteOffset();
        JsonNode task = Json.MAPPER.readTree(p);
        long end = p.currentLocation().getByteOffset();
        if (bytes[(int) start] != '{' || bytes[(int) end - 1] != '}') {
          fail("span finder is off: " + start + ".." + end);
        }
        JsonNode id = task.has("id") ? task.get("id") : task.get("task_id");
        if (id != null && spans.putIfAbsent(id.asText(), new long[] {start, end}) == null) {
          order.add(id.asText());
        }
      }
      arrayClose = p.currentTokenLocation().getByteOffset();
    }
  }

  /**
   * Regression guard. Found by this fuzzer (seeds 20261662 and 20262321) while uncommitted work on
   * the board scanner was in the working tree; it does not fail on the committed scanner (cf30dcc).
   * A scanner that skips members without decoding them lets invalid UTF-8 or an invalid escape in
   * such a member pass the scan; reading the selected entry afterwards then let Jackson's own
   * JsonParseException escape: a two-line message (it quotes the entry) not naming the file.
   */
  @Test
  void invalidUtf8InASkippedMemberIsABoardExceptionNamingTheFile() throws IOException {
    Path file = dir.resolve("tasks.json");
    byte[] board = {
      '[',
      '{',
      '"',
      'i',
      'd',
      '"',
      ':',
      '"',
      'T',
      '"',
      ',',
      '"',
      'x',
      '"',
      ':',
      '"',
      (byte) 0xE5,
      '5',
      '5',
      '"',
      '}',
      ']'
    }; // [{"id":"T","x":"\xE555"}]
    Files.write(file, board);
    Board b = Board.at(file);
    IOException e =
        assertThrows(
            IOException.class,
            () -> b.read(TaskFilter.parse("@.status == 'pending'"), Set.of("T")));
    assertTrue(e instanceof dev.taskboard.devops.board.BoardException, e.toString());
    assertTrue(Fuzz.oneLine(e.getMessage()), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertArrayEquals(board, Files.readAllBytes(file));
    // the same with an invalid escape (harness seed 20262321): [{"id":"T","x":"\\0"}]
    Files.writeString(file, "[{\"id\":\"T\",\"x\":\"\\0\"}]");
    e = assertThrows(IOException.class, () -> b.select(TaskFilter.parse("@.status == 'done'")));
    assertTrue(Fuzz.oneLine(e.getMessage()), e.getMessage());
  }

  /**
   * Found by this fuzzer (seed 20262787): {@code get}/{@code patch} with an id the board does not
   * have puts the caller's id into the message verbatim, so an id with a line break (e.g. from a
   * CLI argument or a task's {@code depends_on}) makes a two-line message, against BoardException's
   * one-line contract.
   */
  @Test
  void taskNotFoundMessageIsOneLineForAnIdWithALineBreak() throws IOException {
    Path file = dir.resolve("tasks.json");
    Files.writeString(file, "[]");
    Board board = Board.at(file);
    IOException e = assertThrows(IOException.class, () -> board.get("a\nb"));
    assertTrue(Fuzz.oneLine(e.getMessage()), e.getMessage());
    byte[] before = Files.readAllBytes(file);
    e =
        assertThrows(
            IOException.class,
            () -> board.patch("a\nb", Patch.empty().set("status", NODES.textNode("done"))));
    assertTrue(Fuzz.oneLine(e.getMessage()), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file));
  }
}
