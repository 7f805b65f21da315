package dev.taskboard.devops.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A board and a journal written by hand, event by event, as the worker writes them: claim, deploy
 * step, outcome with {@code result.deployment_info.rollback_performed}.
 */
final class Fixture {
  static final Instant NOW = Instant.parse("2026-11-11T00:00:00Z");

  final Path board;
  final Path journal;
  private final ArrayNode tasks = Json.MAPPER.createArrayNode();
  private final StringBuilder lines = new StringBuilder();

  Fixture(Path dir) {
    this.board = dir.resolve("tasks.json");
    this.journal = dir.resolve(".devops-worker").resolve("journal.jsonl");
  }

  /** A task on the board; {@code environment} null leaves payload.environment out. */
  Fixture task(String id, String type, String createdAt, String environment) {
    ObjectNode t = tasks.addObject();
    t.put("id", id);
    t.put("type", type);
    t.put("status", "pending");
    t.put("agent", "DevOps-Engineer");
    t.put("created_at", createdAt);
    ObjectNode payload = t.putObject("payload");
    payload.put("release", "1." + tasks.size() + ".0");
    if (environment != null) {
      payload.put("environment", environment);
    }
    return this;
  }

  /** A task on the board as written: any shape an agent may leave. */
  Fixture rawTask(String json) throws IOException {
    tasks.add(Json.parse(json));
    return this;
  }

  /** Claimed five minutes before {@code at}, deployed and verified. */
  Fixture deployed(String id, String at) {
    return claim(id, at).deployStep(id, at).outcome(id, at, "deployed", "success", false, 1);
  }

  /** Deployed, failed verify, and (when {@code rolledBack}) rolled back. */
  Fixture failed(String id, String at, boolean rolledBack) {
    return claim(id, at).deployStep(id, at).outcome(id, at, "failed", "failure", rolledBack, 2);
  }

  /**
   * Deployed, failed verify, and the rollback phase ran with {@code rollback} (NONE: the runbook
   * has none), with the message the worker writes for it.
   */
  Fixture failed(String id, String at, Deployment.Rollback rollback) {
    String sentence =
        switch (rollback) {
          case NONE -> "; the runbook has no rollback for it.";
          case SUCCEEDED -> "; rolled back.";
          case FAILED -> JournalOutcomes.ROLLBACK_FAILED;
        };
    claim(id, at).deployStep(id, at);
    return outcome(
        id,
        at,
        "failed",
        "failure",
        rollback != Deployment.Rollback.NONE,
        3,
        "Failed after 3 attempts: verify#1 exited 1 (last output: 503)" + sentence);
  }

  /** An outcome event with these fields, as another version or a hand edit may leave it. */
  Fixture outcomeEvent(String id, String at, String status, Map<String, Object> fields) {
    return event(at, "outcome", id, Map.of("status", status, "message", "", "fields", fields));
  }

  /** Held by a gate before any step ran. */
  Fixture blocked(String id, String at) {
    return claim(id, at).outcome(id, at, "blocked", "failure", false, 0);
  }

  /** A human rejected the blocked task: failed, without a claim or a step. */
  Fixture rejected(String id, String at) {
    return outcome(id, at, "failed", "failure", false, 0);
  }

  /** Failed in its pre phase: nothing was deployed. */
  Fixture preCheckFailed(String id, String at) {
    claim(id, at);
    event(at, "step_start", id, Map.of("attempt", 1, "step", "pre#1"));
    return outcome(id, at, "failed", "failure", false, 1);
  }

  /** An outcome with this message. */
  Fixture deployedSaying(String id, String at, String message) {
    claim(id, at).deployStep(id, at);
    return outcome(id, at, "deployed", "success", false, 1, message);
  }

  Fixture requeue(String id, String at) {
    return event(at, "requeue", id, Map.of("message", "approved in HITL-001; pending again"));
  }

  /** A raw line, e.g. a torn one. */
  Fixture line(String raw) {
    lines.append(raw).append('\n');
    return this;
  }

  Fixture write() throws IOException {
    Files.writeString(
        board, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tasks));
    Files.createDirectories(journal.getParent());
    Files.writeString(journal, lines, StandardCharsets.UTF_8);
    return this;
  }

  DeploymentReport report(Optional<Instant> since) throws IOException {
    Board b = Board.at(board);
    return DeploymentReport.load(journal, b, since, clock());
  }

  DeploymentReport report() throws IOException {
    return report(Optional.empty());
  }

  static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  Fixture claim(String id, String at) {
    String before = Instant.parse(at).minusSeconds(300).toString();
    return event(
        before,
        "claim",
        id,
        Map.of(
            "pid",
            4242,
            "host",
            "ci",
            "fields",
            Map.of("status", "in_progress", "started_at", before, "updated_at", before)));
  }

  Fixture deployStep(String id, String at) {
    String before = Instant.parse(at).minusSeconds(240).toString();
    event(before, "step_start", id, Map.of("attempt", 1, "step", "deploy#1"));
    return event(
        before,
        "step_end",
        id,
        Map.of("attempt", 1, "step", "deploy#1", "exit", 0, "duration_ms", 900, "how", "ok"));
  }

  private Fixture outcome(
      String id, String at, String status, String result, boolean rolledBack, int attempts) {
    return outcome(id, at, status, result, rolledBack, attempts, status + " " + id);
  }

  private Fixture outcome(
      String id,
      String at,
      String status,
      String result,
      boolean rolledBack,
      int attempts,
      String message) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("status", result);
    r.put("message", message);
    r.put("attempts", attempts);
    r.put("duration_ms", 300_000);
    r.put("deployment_info", Map.of("rollback_performed", rolledBack));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("status", status);
    fields.put("updated_at", at);
    fields.put("result", r);
    return event(at, "outcome", id, Map.of("status", status, "message", message, "fields", fields));
  }

  private Fixture event(String ts, String kind, String task, Map<String, Object> more) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("ts", ts);
    e.put("event", kind);
    e.put("task", task);
    e.putAll(more);
    try {
      lines.append(JSON.std.asString(e)).append('\n');
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return this;
  }

  /**
   * The known-answer history: staging and production over 2026-11-01..11, with everything the
   * report must leave out or list without counting.
   */
  static Fixture knownAnswers(Path dir) throws IOException {
    return new Fixture(dir)
        // staging: before the window, then 4 successes, 1 rollback, 1 failed pre-check
        .task("S0", "deployment_staging", "2026-10-30T11:00:00Z", "staging")
        .task("S1", "deployment_staging", "2026-11-02T08:00:00Z", "staging")
        .task("S2", "deployment_staging", "2026-11-03T08:00:00Z", "staging")
        .task("S3", "deployment_staging", "2026-11-04T00:00:00Z", "staging")
        .task("S4", "deployment_staging", "2026-11-05T00:00:00Z", "staging")
        .task("S5", "deployment_staging", "2026-11-06T00:00:00Z", "staging")
        .task("S6", "deployment_staging", "2026-11-06T00:00:00Z", "staging")
        // production: environment from the type
        .task("P1", "deployment_production", "2026-11-02T00:00:00Z", null)
        .task("P2", "deployment_production", "2026-11-06T00:00:00Z", null)
        .task("P3", "deployment_production", "2026-11-07T00:00:00Z", null)
        .task("P4", "deployment_production", "2026-11-07T04:00:00Z", null)
        .task("P5", "deployment_production", "2026-11-08T00:00:00Z", null)
        .task("P6", "deployment_production", "2026-11-09T00:00:00Z", null)
        .task("P7", "deployment_production", "2026-11-09T12:00:00Z", null)
        .task("R1", "deployment_rollback", "2026-11-08T05:30:00Z", "production")
        .task("I1", "infrastructure_update", "2026-11-03T00:00:00Z", null)
        .deployed("S0", "2026-10-30T12:00:00Z")
        .blocked("P1", "2026-11-02T01:00:00Z")
        .requeue("P1", "2026-11-02T11:00:00Z")
        .deployed("S1", "2026-11-02T10:00:00Z")
        .deployed("P1", "2026-11-02T12:00:00Z")
        .deployed("S2", "2026-11-03T12:00:00Z")
        .deployed("I1", "2026-11-03T13:00:00Z")
        .failed("S3", "2026-11-04T06:00:00Z", true)
        .deployed("S4", "2026-11-05T06:00:00Z")
        .deployed("S5", "2026-11-06T08:00:00Z")
        .preCheckFailed("S6", "2026-11-06T09:00:00Z")
        .failed("P2", "2026-11-07T02:00:00Z", false)
        .failed("P3", "2026-11-07T04:00:00Z", true)
        .deployed("P4", "2026-11-07T06:00:00Z")
        .blocked("P5", "2026-11-08T00:10:00Z")
        .rejected("P5", "2026-11-08T05:00:00Z")
        .outcome("R1", "2026-11-08T06:00:00Z", "done", "success", false, 1)
        .deployed("P6", "2026-11-09T20:00:00Z")
        .failed("P7", "2026-11-10T00:00:00Z", true)
        .deployed("GONE-1", "2026-11-10T01:00:00Z");
  }

  static List<String> ids(List<Deployment> deployments) {
    return deployments.stream().map(d -> d.task() + ":" + d.outcome().wireName()).toList();
  }
}
