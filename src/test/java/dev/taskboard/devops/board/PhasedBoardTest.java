package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task arrays under array indexes: a board of 107 tasks in 8 phases, {@code $.phases[i].tasks}. */
class PhasedBoardTest {
  static final Path PHASED = Path.of("src/test/resources/boards/phased/phased-8x107.tasks.json");

  @TempDir Path dir;
  Path file;
  String original;

  @BeforeEach
  void copy() throws IOException {
    file = dir.resolve("tasks.json");
    Files.copy(PHASED, file);
    original = Files.readString(file);
  }

  private Board at(String path) {
    return Board.open(file, ArrayPath.parse(path));
  }

  @Test
  void definitePath_readsOnlyThatPhase_patchesByteExact() throws IOException {
    Board phase = at("$.phases[1].tasks");

    List<Task> all = phase.select(TaskFilter.parse("@.id"));
    assertEquals(14, all.size());
    assertEquals("T-010", all.get(0).id());
    assertThrows(TaskNotFoundException.class, () -> phase.get("T-001"), "phase 0's task");

    phase.patch("T-012", Patch.empty().set("status", TextNode.valueOf("blocked")));

    String after = Files.readString(file);
    JsonNode board = Json.parse(after);
    assertEquals("blocked", board.at("/phases/1/tasks/2/status").asText());
    int at = original.indexOf("\"id\": \"T-012\"");
    String status = original.substring(at).replaceFirst("\"status\": \"[a-z_]+\"", "");
    String statusAfter = after.substring(at).replaceFirst("\"status\": \"[a-z_]+\"", "");
    assertEquals(original.substring(0, at), after.substring(0, at));
    assertEquals(status, statusAfter, "only the status value changed");
  }

  @Test
  void add_toOnePhase_appendsThere_withAnIdNoPhaseHas() throws IOException {
    Set<String> before = new HashSet<>();
    at("$.phases[*].tasks").select(TaskFilter.parse("@.id")).forEach(t -> before.add(t.id()));
    ObjectNode task = Json.MAPPER.createObjectNode();
    task.put("title", "Pin the base image").put("status", "pending").put("agent", "Task-Coder");

    Task added = at("$.phases[1].tasks").add(task);

    assertTrue(!before.contains(added.id()), added.id() + " is already on the board");
    assertEquals("T-108", added.id());
    JsonNode board = Json.parse(Files.readString(file));
    JsonNode phase = board.at("/phases/1/tasks");
    assertEquals(15, phase.size());
    assertEquals("T-108", phase.get(14).path("id").asText());
    assertEquals(107 + 1, at("$.phases[*].tasks").select(TaskFilter.parse("@.id")).size());
  }

  @Test
  void everyPhase_readsAndPatches_butAddAsksForADefinitePath() throws IOException {
    Board every = at("$.phases[*].tasks");

    assertEquals(107, every.select(TaskFilter.parse("@.id")).size());
    every.patch("T-107", Patch.empty().set("status", TextNode.valueOf("done")));
    assertEquals("done", every.get("T-107").text("status"));

    String patched = Files.readString(file, StandardCharsets.UTF_8);
    BoardException e =
        assertThrows(BoardException.class, () -> every.add(Json.MAPPER.createObjectNode()));
    assertTrue(e.getMessage().contains("definite"), e.getMessage());
    assertTrue(e.getMessage().contains("$.phases[0].tasks"), e.getMessage());
    assertEquals(patched, Files.readString(file, StandardCharsets.UTF_8), "nothing added");
  }
}
