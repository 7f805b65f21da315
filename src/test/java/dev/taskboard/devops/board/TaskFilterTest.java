package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.FixtureBoards;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The streaming selection agrees with Jayway evaluating the same filter on the whole document. */
class TaskFilterTest {
  @TempDir Path dir;

  static Stream<String> filters() {
    return Stream.of(
        TaskFilter.DEFAULT_EXPRESSION,
        "[?(@.status == 'pending')]",
        "@.agent == 'Tester' || @.priority in ['high', 'urgent']",
        "?(@.payload.title =~ /.*[Pp]arsing.*/)",
        "[?(@['source_story_id'] == 'US-002')]",
        "[?(@.depends_on && @.depends_on.length() > 0)]",
        "[?(@.result)]",
        "[?(@..title)]");
  }

  @ParameterizedTest
  @MethodSource("filters")
  void selection_equalsJaywayOnWholeDocument(String filter) throws IOException {
    for (String name :
        List.of(
            "claude-code-agents-demo.tasks.json",
            "claude-code-agents-schema-examples.tasks.json")) {
      Path file = FixtureBoards.named(name);
      TaskFilter f = TaskFilter.parse(filter);
      List<String> streamed = new ArrayList<>();
      for (Task t : Board.at(file).select(f)) {
        streamed.add(Json.compact(t.json()));
      }
      List<String> whole = new ArrayList<>();
      JsonNode result =
          JsonPath.using(
                  Configuration.builder()
                      .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
                      .build())
              .parse(file.toFile())
              .read("$" + f.expression());
      result.forEach(n -> whole.add(Json.compact(n)));
      assertEquals(whole, streamed, filter + " on " + name);
    }
  }

  @Test
  void defaultFilter_selectsEveryHandledTypeAndNothingElse() throws IOException {
    String board =
        "["
            + task(1, "DevOps-Engineer", "pending", "deployment_staging")
            + ","
            + task(2, "DevOps-Engineer", "pending", "infrastructure_update")
            + ","
            + task(3, "DevOps-Engineer", "pending", "monitoring_setup")
            + ","
            + task(4, "DevOps-Engineer", "done", "deployment_production")
            + ","
            + task(5, "Tester", "pending", "deployment_staging")
            + ","
            + task(6, "DevOps-Engineer", "pending", "feature_development")
            + ","
            + task(7, "DevOps-Engineer", "pending", "pre_deployment_check")
            + "]";
    Path file = dir.resolve("tasks.json");
    Files.writeString(file, board, StandardCharsets.UTF_8);
    List<String> ids =
        Board.at(file).select(TaskFilter.defaultFilter()).stream().map(Task::id).toList();
    assertEquals(List.of("1", "2", "3"), ids);
  }

  @Test
  void projection_readsOnlyTheFieldsTheFilterNames() {
    assertEquals(
        Set.of("agent", "status", "type"), TaskFilter.defaultFilter().fields().orElseThrow());
    assertTrue(TaskFilter.parse("[?(@..title)]").fields().isEmpty());
    assertTrue(TaskFilter.parse("[?(@.x == $.y)]").fields().isEmpty());
    assertEquals(Set.of("a b"), TaskFilter.parse("[?(@['a b'] == 'x')]").fields().orElseThrow());
  }

  @Test
  void badFilter_saysItIsNotAFilter() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TaskFilter.parse("[?(@.a ==]"));
    assertTrue(e.getMessage().startsWith("not a JsonPath filter: [?(@.a ==]"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  private static String task(int id, String agent, String status, String type) {
    return String.format(
        "{\"id\": %d, \"agent\": \"%s\", \"status\": \"%s\", \"type\": \"%s\"}",
        id, agent, status, type);
  }
}
