package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * Random boards × random patches (seeded, so a failure names its seed): bytes outside the edited
 * entry never change, and the result always parses to exactly the intended JSON.
 */
class PatchPropertyTest {
  /** Cases per run; the fuzz harness runs many more with -Dboard.cases=N. */
  private static final int CASES = Integer.getInteger("board.cases", 600);

  @TempDir Path dir;

  @Test
  void randomPatches_changeOnlyTheirEntryAndAlwaysParse() throws IOException {
    for (long seed = 1; seed <= CASES; seed++) {
      try {
        runCase(seed);
      } catch (AssertionError | IOException | RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  private void runCase(long seed) throws IOException {
    RandomBoards gen = new RandomBoards(seed);
    ArrayNode tasks = gen.tasks();
    Path file = dir.resolve("tasks-" + seed + ".json");
    Files.write(file, gen.render(tasks).getBytes(StandardCharsets.UTF_8));
    byte[] before = Files.readAllBytes(file);
    Board board = Board.at(file);

    if (tasks.isEmpty() || gen.random().nextInt(4) == 0) {
      ObjectNode task = gen.object(2);
      task.remove(List.of("id", "task_id"));
      Task added = board.add(task);
      byte[] after = Files.readAllBytes(file);
      JsonNode expected = tasks.deepCopy().add(added.json());
      assertEquals(expected, tasksOf(after), "board after add");
      if (!tasks.isEmpty()) {
        assertEquals(0, Bytes.changedBytes(before, after), "append changed existing bytes");
      }
      return;
    }

    int index = gen.random().nextInt(tasks.size());
    ObjectNode target = (ObjectNode) tasks.get(index);
    String id = target.get(gen.idKey).asText();
    Slot slot = FixtureBoardsTest.slots(file).get(index);
    Patch patch = randomPatch(gen, target);

    board.patch(id, patch);

    byte[] after = Files.readAllBytes(file);
    Bytes.assertOnlySpanChanged(before, after, slot.start(), slot.end());
    for (Patch.Field set : patch.sets()) {
      apply(target, set.path().names(), set.value(), set.merge());
    }
    assertEquals(tasks, tasksOf(after), "board after patch");
  }

  private static Patch randomPatch(RandomBoards gen, ObjectNode target) {
    return switch (gen.random().nextInt(4)) {
      case 0 ->
          Patch.empty()
              .set(
                  "status", Json.valueOf(gen.pick(new String[] {"in_progress", "done", "failed"})));
      case 1 -> Patch.empty().set("result." + gen.key(), gen.value(2));
      case 2 -> Patch.empty().merge(gen.object(3));
      default ->
          Patch.empty()
              .set(gen.key(), gen.value(2))
              .set("payload." + gen.key() + "." + gen.key(), gen.value(1));
    };
  }

  /** The model of a set: objects along the path are created or kept, anything else replaced. */
  private static void apply(ObjectNode node, List<String> path, JsonNode value, boolean merge) {
    String name = path.get(0);
    if (path.size() == 1) {
      if (!(merge && node.path(name).isObject())) {
        node.set(name, value.deepCopy());
      }
      return;
    }
    JsonNode child = node.get(name);
    if (child == null || !child.isObject()) {
      child = node.putObject(name);
    }
    apply((ObjectNode) child, path.subList(1, path.size()), value, merge);
  }

  private static JsonNode tasksOf(byte[] board) throws IOException {
    JsonNode root = Json.MAPPER.readTree(board);
    if (root.isArray()) {
      return root;
    }
    return root.has("tasks") ? root.get("tasks") : root.get("master").get("tasks");
  }
}
