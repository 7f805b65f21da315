package dev.taskboard.devops.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The report as one JSON object. Times are ISO-8601 UTC; durations are hours rounded to 4 decimals
 * and, exactly, seconds (to the millisecond); rates are rounded to 4 decimals; a figure that cannot
 * be computed (nothing measured) is {@code null}. Fields are only ever added to this schema.
 *
 * <pre>{@code
 * {
 *   "schema": "devops-worker/report/1",
 *   "generated_at": "2026-11-11T00:00:00Z",
 *   "window": {"since": "2026-11-01T00:00:00Z" | null, "start": "…", "end": "…", "days": 10.0},
 *   "environments": [{
 *     "environment": "production",
 *     "deployments": 6,            // finished: successful + failed + rolled_back
 *     "successful": 3, "failed": 2, "rolled_back": 1,
 *     "deployments_per_day": 0.3,  // successful / window.days
 *     "lead_time_hours": {"count": 3, "median": 12.0, "p90": 18.4},
 *     "change_failure_rate": 0.5,  // (failed + rolled_back) / deployments, null when 0 finished
 *     "time_to_restore_hours": {"count": 1, "median": 4.0, "p90": 4.0},
 *     "failing_since": "2026-11-10T00:00:00Z" | null,  // no successful deployment since
 *     "incidents": [{"failed_at": "…", "restored_at": "…" | null, "hours": 4.0 | null,
 *                    "seconds": 14400.0 | null}],
 *     "lead_time_seconds": {"count": 3, "median": 43200.0, "p90": 66240.0},
 *     "time_to_restore_seconds": {"count": 1, "median": 14400.0, "p90": 14400.0},
 *     "state": {                   // its health now, from the whole journal
 *       "health": "healthy" | "rolled_back" | "down" | "unknown",
 *       "since": "…" | null,       // when it entered this health
 *       "task": "P7" | null,       // the latest outcome that left it so
 *       "cause": "P7 failed and its rollback failed too"}
 *   }],
 *   "deployments": [{              // every outcome of a deployment_* task in the window, oldest first
 *     "task": "TASK-005", "type": "deployment_production", "environment": "production",
 *     "release": "1.4.0", "at": "…", "status": "deployed" | "failed" | "blocked" | "done" | …,
 *     "outcome": "success" | "failed" | "rolled_back" | "not_deployed",
 *     "counted": true,             // counts in the figures: not a rollback task, and deployed
 *     "rollback_performed": false, "attempts": 1,
 *     "created_at": "…" | null, "lead_time_hours": 12.0 | null, "message": "…",
 *     "rollback": "none" | "succeeded" | "failed",  // the task's own rollback phase
 *     "lead_time_seconds": 43200.0 | null
 *   }],
 *   "warnings": ["…/journal.jsonl:14: an unreadable line was skipped (torn by a crash?)"]
 * }
 * }</pre>
 */
final class JsonReport {
  static final String SCHEMA = "devops-worker/report/1";

  private JsonReport() {}

  static String render(DeploymentReport report) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(of(report)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JsonNode always serializes", e);
    }
  }

  static ObjectNode of(DeploymentReport report) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("schema", SCHEMA);
    out.put("generated_at", report.generatedAt().toString());
    ObjectNode window = out.putObject("window");
    time(window, "since", report.window().since());
    window.put("start", report.window().start().toString());
    window.put("end", report.window().end().toString());
    window.put("days", round(report.window().days()));
    ArrayNode environments = out.putArray("environments");
    report.environments().forEach(f -> environment(environments.addObject(), f));
    ArrayNode deployments = out.putArray("deployments");
    report.deployments().forEach(d -> deployment(deployments.addObject(), d));
    ArrayNode warnings = out.putArray("warnings");
    report.warnings().forEach(warnings::add);
    return out;
  }

  private static void environment(ObjectNode o, EnvironmentFigures f) {
    o.put("environment", f.environment());
    o.put("deployments", f.deployments());
    o.put("successful", f.successful());
    o.put("failed", f.failed());
    o.put("rolled_back", f.rolledBack());
    o.put("deployments_per_day", round(f.deploymentsPerDay()));
    hours(o.putObject("lead_time_hours"), f.leadTime());
    number(o, "change_failure_rate", f.changeFailureRate());
    hours(o.putObject("time_to_restore_hours"), f.timeToRestore());
    time(o, "failing_since", f.failingSince());
    ArrayNode incidents = o.putArray("incidents");
    for (EnvironmentFigures.Incident i : f.incidents()) {
      ObjectNode n = incidents.addObject();
      n.put("failed_at", i.failedAt().toString());
      time(n, "restored_at", i.restoredAt());
      number(n, "hours", optional(i.timeToRestore().map(Times::hoursOf)));
      seconds(n, "seconds", optional(i.timeToRestore().map(Times::hoursOf)));
    }
    seconds(o.putObject("lead_time_seconds"), f.leadTime());
    seconds(o.putObject("time_to_restore_seconds"), f.timeToRestore());
    state(o.putObject("state"), f.state());
  }

  private static void state(ObjectNode o, EnvironmentFigures.State s) {
    o.put("health", s.health().wireName());
    time(o, "since", s.since());
    if (s.last().isPresent()) {
      o.put("task", s.last().get().task());
    } else {
      o.putNull("task");
    }
    o.put("cause", s.cause());
  }

  private static void deployment(ObjectNode o, Deployment d) {
    o.put("task", d.task());
    o.put("type", d.type());
    o.put("environment", d.environment());
    o.put("release", d.release());
    o.put("at", d.at().toString());
    o.put("status", d.status());
    o.put("outcome", d.outcome().wireName());
    o.put("counted", d.counted());
    o.put("rollback_performed", d.rollbackPerformed());
    o.put("attempts", d.attempts());
    time(o, "created_at", d.createdAt());
    number(o, "lead_time_hours", optional(d.leadTime().map(Times::hoursOf)));
    o.put("message", d.message());
    o.put("rollback", d.rollback().wireName());
    if (!d.approvedBy().isEmpty()) {
      o.put("approved_by", d.approvedBy());
    }
    seconds(o, "lead_time_seconds", optional(d.leadTime().map(Times::hoursOf)));
  }

  private static void hours(ObjectNode o, EnvironmentFigures.Hours h) {
    o.put("count", h.count());
    number(o, "median", h.median());
    number(o, "p90", h.p90());
  }

  private static void seconds(ObjectNode o, EnvironmentFigures.Hours h) {
    o.put("count", h.count());
    seconds(o, "median", h.median());
    seconds(o, "p90", h.p90());
  }

  /** Hours as seconds, to the millisecond: what was measured, without the hours' rounding. */
  private static void seconds(ObjectNode o, String name, OptionalDouble hours) {
    if (hours.isPresent()) {
      o.put(name, Math.round(hours.getAsDouble() * 3_600_000) / 1000.0);
    } else {
      o.putNull(name);
    }
  }

  private static void time(ObjectNode o, String name, Optional<Instant> at) {
    if (at.isPresent()) {
      o.put(name, at.get().toString());
    } else {
      o.putNull(name);
    }
  }

  private static void number(ObjectNode o, String name, OptionalDouble value) {
    if (value.isPresent()) {
      o.put(name, round(value.getAsDouble()));
    } else {
      o.putNull(name);
    }
  }

  private static OptionalDouble optional(Optional<Double> value) {
    return value.map(OptionalDouble::of).orElse(OptionalDouble.empty());
  }

  static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
