package dev.taskboard.devops.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.hitl.Escalation;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.hitl.Priority;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import dev.taskboard.devops.worker.WorkerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A project directory for the server: a board with tasks of the worker in every state and of other
 * agents, the shipped runbook, and human-requests.md with the worker's open approval question.
 */
final class McpFixture {
  static final String BOARD =
      """
      [
        {
          "id": "TASK-001",
          "type": "feature_development",
          "status": "done",
          "agent": "Task-Coder",
          "payload": {"title": "Greeting endpoint"}
        },
        {
          "id": "TASK-002",
          "type": "deployment_staging",
          "status": "failed",
          "agent": "DevOps-Engineer",
          "updated_at": "2026-11-20T10:00:00Z",
          "payload": {"title": "Deploy 1.3.0 to staging", "release": "1.3.0"},
          "result": {
            "status": "failure",
            "message": "Verification failed after 3 attempts; rolled back.",
            "gates": {
              "unit_tests": {"verdict": "pass", "evidence": "TASK-010: 180/180 passed"},
              "code_review": {"verdict": "inconclusive", "evidence": "no review found"}
            },
            "log": ".plan/devops/logs/TASK-002/attempt-3.log",
            "log_tail": ["deploy: release 1.3.0", "verify: HTTP 503", "rollback: current -> 1.2.0"]
          }
        },
        {
          "id": "TASK-003",
          "type": "deployment_production",
          "status": "blocked",
          "agent": "DevOps-Engineer",
          "updated_at": "2026-11-21T09:00:00Z",
          "payload": {"title": "Deploy 1.2.0 to production", "release": "1.2.0"},
          "result": {"status": "failure", "message": "Waiting for approval in HITL-001."}
        },
        {
          "id": "TASK-004",
          "type": "deployment_staging",
          "status": "pending",
          "agent": "DevOps-Engineer",
          "payload": {"title": "Deploy 1.4.0 to staging", "release": "1.4.0"}
        },
        {
          "id": "TASK-005",
          "type": "infrastructure_update",
          "status": "in_progress",
          "agent": "DevOps-Engineer",
          "payload": {"title": "Heap limit"}
        },
        {
          "id": "TASK-006",
          "type": "deployment_staging",
          "status": "done",
          "agent": "Tester",
          "payload": {"title": "Not the worker's: another agent's task of a deployment type"}
        }
      ]
      """;

  final Path dir;
  final Path board;
  final Path runbook;
  final Path humanRequests;
  final Path stateDir;

  McpFixture(Path dir) throws IOException {
    this.dir = dir;
    this.board = dir.resolve("tasks.json");
    this.runbook = dir.resolve("deployment.md");
    this.humanRequests = dir.resolve("human-requests.md");
    this.stateDir = dir.resolve(".devops-worker");
    Files.writeString(board, BOARD, StandardCharsets.UTF_8);
    Files.copy(Path.of("deployment.md"), runbook); // the shipped runbook, from the repository
    new HumanRequests(humanRequests, Clock.systemUTC())
        .escalate(
            new Escalation(
                "TASK-003/approval",
                "Approve production deployment of release 1.2.0 (TASK-003)",
                "Stakeholder Approval",
                Priority.HIGH,
                "TASK-003",
                "Deploy release 1.2.0 to production now? Answer approve or reject.",
                List.of("staging_deployed: pass")));
  }

  WorkerConfig config(Clock clock) {
    return WorkerConfig.builder(board, runbook, TestEnv.in(stateDir.getParent()))
        .humanRequests(humanRequests)
        .stateDir(stateDir)
        .clock(clock)
        .build();
  }

  /** The server's command-line options for this directory. */
  List<String> options() {
    return List.of(
        "--board",
        board.toString(),
        "--runbook",
        runbook.toString(),
        "--human-requests",
        humanRequests.toString(),
        "--state-dir",
        stateDir.toString());
  }

  byte[] boardBytes() throws IOException {
    return Files.readAllBytes(board);
  }

  /** The task with this id as the board has it now. */
  JsonNode task(String id) throws IOException {
    for (JsonNode task : Json.MAPPER.readTree(board.toFile())) {
      if (task.path("id").asText().equals(id)) {
        return task;
      }
    }
    throw new AssertionError("no task " + id + " on the board");
  }
}
