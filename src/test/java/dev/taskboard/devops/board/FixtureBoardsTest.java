package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.FixtureBoards;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real board from the wild: patched and appended to without any other byte changing. */
class FixtureBoardsTest {
  @TempDir Path dir;

  static Stream<Path> boards() {
    List<Path> all = FixtureBoards.all();
    assertFalse(all.isEmpty(), "no fixture boards in " + FixtureBoards.dir());
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("boards")
  void setExistingField_changesOnlyThatValue(Path fixture) throws IOException {
    Path file = copy(fixture);
    byte[] before = Files.readAllBytes(file);
    Slot slot = middleSlot(file);
    JsonNode task = entry(file, slot);
    String field = firstTextField(task);
    JsonNode oldValue = task.get(field);

    board(file).patch(slot.id(), Patch.empty().set(field, Json.valueOf("patched ✓")));

    byte[] after = Files.readAllBytes(file);
    Bytes.assertOnlySpanChanged(before, after, slot.start(), slot.end());
    int oldValueLength =
        Json.compact(oldValue).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    assertTrue(Bytes.changedBytes(before, after) <= oldValueLength, "more than the value changed");
    assertEquals("patched ✓", reread(file, slot.id()).get(field).asText());
    assertOtherTasksUnchanged(before, after, slot.id());
  }

  @ParameterizedTest
  @MethodSource("boards")
  void addNestedField_insertsWithoutTouchingOtherBytes(Path fixture) throws IOException {
    Path file = copy(fixture);
    byte[] before = Files.readAllBytes(file);
    Slot slot = middleSlot(file);

    board(file)
        .patch(
            slot.id(),
            Patch.empty()
                .set("devops_note.rollback_performed", Json.valueOf("false"))
                .set("devops_note.message", Json.valueOf("deployed to staging — ok")));

    byte[] after = Files.readAllBytes(file);
    Bytes.assertOnlySpanChanged(before, after, slot.start(), slot.end());
    assertEquals(0, Bytes.changedBytes(before, after), "an insert must not change existing bytes");
    JsonNode note = reread(file, slot.id()).get("devops_note");
    assertFalse(note.get("rollback_performed").asBoolean(true));
    assertEquals("deployed to staging — ok", note.get("message").asText());
    assertOtherTasksUnchanged(before, after, slot.id());
  }

  @ParameterizedTest
  @MethodSource("boards")
  void addTask_appendsInTheBoardsIdScheme(Path fixture) throws IOException {
    Path file = copy(fixture);
    byte[] before = Files.readAllBytes(file);
    List<Slot> slots = slots(file);
    ObjectNode task =
        (ObjectNode)
            Json.parse("{\"type\":\"urgent_fix\",\"agent\":\"Task-Coder\",\"status\":\"pending\"}");

    Task added = board(file).add(task);

    byte[] after = Files.readAllBytes(file);
    assertEquals(0, Bytes.changedBytes(before, after), "an append must not change existing bytes");
    List<Slot> now = slots(file);
    assertEquals(slots.size() + 1, now.size());
    Slot last = now.get(now.size() - 1);
    assertEquals(added.id(), last.id());
    assertEquals(slots.get(slots.size() - 1).idKey(), last.idKey());
    assertEquals("urgent_fix", entry(file, last).get("type").asText());
  }

  private Path copy(Path fixture) throws IOException {
    Path file = dir.resolve(fixture.getFileName());
    Files.copy(fixture, file);
    file.toFile().setWritable(true);
    return file;
  }

  private Board board(Path file) {
    return Board.at(file);
  }

  static List<Slot> slots(Path file) throws IOException {
    try (Snapshot s = BoardScanner.scan(file, ArrayPath.auto(), null, Set.of(), Board.Hooks.NONE)) {
      return s.slots();
    }
  }

  private static Slot middleSlot(Path file) throws IOException {
    List<Slot> slots = slots(file);
    return slots.get(slots.size() / 2);
  }

  private static JsonNode entry(Path file, Slot slot) throws IOException {
    try (Snapshot s = BoardScanner.scan(file, ArrayPath.auto(), null, Set.of(), Board.Hooks.NONE)) {
      return s.task(slot);
    }
  }

  private JsonNode reread(Path file, String id) throws IOException {
    return board(file).get(id).json();
  }

  private static String firstTextField(JsonNode task) {
    Iterator<Map.Entry<String, JsonNode>> fields = task.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (f.getValue().isTextual() && !f.getKey().equals("id") && !f.getKey().equals("task_id")) {
        return f.getKey();
      }
    }
    throw new AssertionError("fixture task has no text field: " + task);
  }

  /** Every other task parses to the same JSON before and after. */
  private static void assertOtherTasksUnchanged(byte[] before, byte[] after, String editedId)
      throws IOException {
    JsonNode a = tasksOf(Json.MAPPER.readTree(before));
    JsonNode b = tasksOf(Json.MAPPER.readTree(after));
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      String id =
          a.get(i).has("id") ? a.get(i).get("id").asText() : a.get(i).get("task_id").asText();
      if (!id.equals(editedId)) {
        assertEquals(a.get(i), b.get(i), "task " + id + " changed");
      }
    }
  }

  private static JsonNode tasksOf(JsonNode root) {
    if (root.isArray()) {
      return root;
    }
    return root.has("tasks") ? root.get("tasks") : root.get("master").get("tasks");
  }
}
