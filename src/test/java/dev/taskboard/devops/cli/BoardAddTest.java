package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** board add fills status, created_at and updated_at when absent, says so, warns of near misses. */
class BoardAddTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-03T01:02:03.456Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  private Path board;

  private record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void emptyBoard() throws IOException {
    board = dir.resolve("tasks.json");
    Files.writeString(board, "[]\n");
  }

  private Run add(String json) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(out),
            new PrintWriter(err),
            TestEnv.in(dir),
            CLOCK,
            "board",
            "add",
            "--board",
            board.toString(),
            "--json",
            json);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void withoutStatusAndTimes_fillsPendingAndNowAndSaysSo() throws IOException {
    Run run =
        add("{\"id\": \"T-1\", \"agent\": \"DevOps-Engineer\", \"type\": \"deployment_staging\"}");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("T-1\n", run.out());
    assertEquals(
        "devops-worker: T-1: filled what --json lacked: status \"pending\", created_at and"
            + " updated_at 2026-12-03T01:02:03.456Z\n",
        run.err());
    JsonNode task = Json.MAPPER.readTree(Files.readAllBytes(board)).get(0);
    assertEquals("pending", task.path("status").asText());
    assertEquals("2026-12-03T01:02:03.456Z", task.path("created_at").asText());
    assertEquals("2026-12-03T01:02:03.456Z", task.path("updated_at").asText());
  }

  @Test
  void withEverything_keepsItAndSaysNothing() throws IOException {
    Run run =
        add(
            "{\"id\": \"T-1\", \"agent\": \"DevOps-Engineer\", \"type\": \"deployment_staging\","
                + " \"status\": \"blocked\", \"created_at\": \"2026-01-01T00:00:00Z\","
                + " \"updated_at\": \"2026-01-02T00:00:00Z\"}");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("T-1\n", run.out());
    assertEquals("", run.err());
    JsonNode task = Json.MAPPER.readTree(Files.readAllBytes(board)).get(0);
    assertEquals("blocked", task.path("status").asText());
    assertEquals("2026-01-01T00:00:00Z", task.path("created_at").asText());
    assertEquals("2026-01-02T00:00:00Z", task.path("updated_at").asText());
  }

  @Test
  void onlyUpdatedAtMissing_fillsOnlyThat() throws IOException {
    Run run =
        add(
            "{\"id\": \"T-1\", \"agent\": \"DevOps-Engineer\", \"type\": \"deployment_staging\","
                + " \"status\": \"pending\", \"created_at\": \"2026-01-01T00:00:00Z\"}");

    assertEquals(
        "devops-worker: T-1: filled what --json lacked: updated_at 2026-12-03T01:02:03.456Z\n",
        run.err());
  }

  @Test
  void nearMisses_areWarnedOfField() {
    Run run =
        add(
            "{\"id\": \"T-1\", \"agent\": \"DevOps\", \"type\": \"deploymnet_staging\","
                + " \"status\": \"Pending\", \"created_at\": \"2026-01-01T00:00:00Z\","
                + " \"updated_at\": \"2026-01-01T00:00:00Z\"}");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("T-1\n", run.out());
    assertEquals(
        "devops-worker: warning: agent \"DevOps\" is not \"DevOps-Engineer\": the worker takes"
            + " only exact values; fix it with board patch\n"
            + "devops-worker: warning: status \"Pending\" is not \"pending\": the worker takes only"
            + " exact values; fix it with board patch\n"
            + "devops-worker: warning: type \"deploymnet_staging\" is not \"deployment_staging\":"
            + " the worker takes only exact values; fix it with board patch\n",
        run.err());
  }
}
