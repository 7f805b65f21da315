package dev.taskboard.devops.report;

import dev.taskboard.devops.task.TaskType;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One outcome of a deployment task: a row of the history. */
public record Deployment(
    String task,
    String type,
    String environment,
    String release,
    Instant at,
    String status,
    Outcome outcome,
    Rollback rollback,
    int attempts,
    Optional<Instant> createdAt,
    String message,
    String approvedBy) {

  /** How a deployment ended, for the figures and the chart's colours. */
  public enum Outcome {
    SUCCESS("success", "success"),
    FAILED("failed", "failed"),
    ROLLED_BACK("rolled_back", "rolled back"),
    /** Blocked by a gate, rejected, timed out or failed before any deploy step ran. */
    NOT_DEPLOYED("not_deployed", "not deployed");

    private final String wireName;
    private final String label;

    Outcome(String wireName, String label) {
      this.wireName = wireName;
      this.label = label;
    }

    /** The name in the JSON report and the HTML classes. */
    public String wireName() {
      return wireName;
    }

    /** The name people read. */
    public String label() {
      return label;
    }

    boolean isFailure() {
      return this == FAILED || this == ROLLED_BACK;
    }
  }

  /** Whether the task's own rollback phase ran after its failure, and how it ended. */
  public enum Rollback {
    NONE("none"),
    SUCCEEDED("succeeded"),
    /** It ran and failed: the environment may be in an unknown state. */
    FAILED("failed");

    private final String wireName;

    Rollback(String wireName) {
      this.wireName = wireName;
    }

    /** The name in the JSON report. */
    public String wireName() {
      return wireName;
    }
  }

  public Deployment {
    Objects.requireNonNull(task, "task == null");
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(environment, "environment == null");
    Objects.requireNonNull(release, "release == null");
    Objects.requireNonNull(at, "at == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(outcome, "outcome == null");
    Objects.requireNonNull(rollback, "rollback == null");
    Objects.requireNonNull(createdAt, "createdAt == null");
    Objects.requireNonNull(message, "message == null");
  }

  /**
   * Whether it counts in the figures and the chart: a deployment of a change (not an explicit
   * rollback task) that reached a deploy step.
   */
  public boolean counted() {
    return !TaskType.of(type).isRollback() && outcome != Outcome.NOT_DEPLOYED;
  }

  /**
   * {@code result.deployment_info.rollback_performed}: a rollback ran, whether or not it worked.
   */
  public boolean rollbackPerformed() {
    return rollback != Rollback.NONE;
  }

  /**
   * The history's outcome column: the outcome, that its rollback failed too, or that it was an
   * explicit rollback task.
   */
  String outcomeLabel() {
    if (TaskType.of(type).isRollback()) {
      return "rollback task";
    }
    return outcome == Outcome.ROLLED_BACK && rollback == Rollback.FAILED
        ? "rollback failed"
        : outcome.label();
  }

  /** From the task's {@code created_at} to this outcome, for counted successes only. */
  public Optional<Duration> leadTime() {
    if (!counted() || outcome != Outcome.SUCCESS) {
      return Optional.empty();
    }
    return createdAt.filter(c -> !c.isAfter(at)).map(c -> Duration.between(c, at));
  }
}
