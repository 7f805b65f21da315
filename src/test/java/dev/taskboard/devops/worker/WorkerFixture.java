package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A project directory with a board, a runbook whose steps leave marks, and helpers to read them.
 */
final class WorkerFixture {
  final Path dir;
  final Path board;
  final Path runbook;
  final Path marks;

  WorkerFixture(Path dir) throws IOException {
    this.dir = dir;
    this.board = dir.resolve(".plan/tasks.json");
    this.runbook = dir.resolve("deployment.md");
    this.marks = dir.resolve("marks");
    Files.createDirectories(board.getParent());
    Files.createDirectories(marks);
  }

  /** A runbook for deployment_staging with the given deploy and verify scripts (sh). */
  WorkerFixture runbook(String settings, String deploy, String verify) throws IOException {
    String md =
        "# Runbook\n\n## gates\n\nNo quality gate in these tests.\n\n```settings\nstaging:\n```\n\n"
            + "## deployment_staging\n\n```settings\n"
            + "env.MARKS: "
            + marks
            + "\n"
            + settings
            + "\n```\n\n### deploy\n\n```sh\n"
            + deploy
            + "\n```\n\n### verify\n\n```sh\n"
            + verify
            + "\n```\n\n### rollback\n\n```sh\necho \"rollback $TASK_ID\" >> \"$MARKS/rollbacks\"\n```\n";
    Files.writeString(runbook, md, StandardCharsets.UTF_8);
    return this;
  }

  WorkerFixture board(String json) throws IOException {
    Files.writeString(board, json, StandardCharsets.UTF_8);
    return this;
  }

  static String stagingTask(String id, String payload) {
    return "{\n    \"id\": \""
        + id
        + "\",\n    \"type\": \"deployment_staging\",\n    \"status\": \"pending\",\n"
        + "    \"agent\": \"DevOps-Engineer\",\n    \"updated_at\": \"2026-01-01T00:00:00Z\",\n"
        + "    \"payload\": "
        + payload
        + "\n  }";
  }

  JsonNode task(String id) throws IOException {
    for (JsonNode t : Json.MAPPER.readTree(Files.readAllBytes(board))) {
      if (t.path("id").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no task " + id + " on the board");
  }

  String status(String id) throws IOException {
    return task(id).path("status").asText();
  }

  long lines(String markFile) throws IOException {
    Path f = marks.resolve(markFile);
    return Files.exists(f) ? Files.readAllLines(f).size() : 0;
  }

  void awaitStatus(String id, String status, Duration bound)
      throws IOException, InterruptedException, TimeoutException {
    FileWait.until(
        board.getParent(),
        bound,
        id + " " + status,
        () -> {
          try {
            return status.equals(status(id));
          } catch (IOException | AssertionError notYet) {
            return false;
          }
        });
  }

  void awaitMark(String name, Duration bound)
      throws IOException, InterruptedException, TimeoutException {
    FileWait.until(marks, bound, "mark " + name, () -> Files.exists(marks.resolve(name)));
  }
}
