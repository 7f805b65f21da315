package dev.taskboard.devops.task;

import java.util.Optional;

/**
 * The statuses the team's agents write on the board, with their wire names. The worker itself sets
 * only pending (a human unblocked the task), in_progress, blocked, deployed, done and failed.
 */
public enum TaskStatus {
  PENDING("pending"),
  IN_PROGRESS("in_progress"),
  BLOCKED("blocked"),
  DONE("done"),
  DEPLOYED("deployed"),
  FAILED("failed"),
  TEST_PASSED("test_passed"),
  APPROVED("approved"),
  COMPLETED("completed"),
  BACKLOG("backlog"),
  REVIEW_NEEDED("review_needed");

  private final String wireName;

  TaskStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The status with this exact wire name; none for anything else (other case included). */
  public static Optional<TaskStatus> of(String wireName) {
    for (TaskStatus s : values()) {
      if (s.wireName.equals(wireName)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code wireName} is a finished status: done or deployed. */
  public static boolean finished(String wireName) {
    return of(wireName).map(TaskStatus::finished).orElse(false);
  }

  /** Done or deployed: what a task's {@code depends_on} waits for. */
  public boolean finished() {
    return this == DONE || this == DEPLOYED;
  }

  /**
   * Ended in a way whose {@code result} can be read as evidence: finished, failed, or an agent's
   * own end states (test_passed, approved, completed).
   */
  public boolean concluded() {
    return finished()
        || this == FAILED
        || this == TEST_PASSED
        || this == APPROVED
        || this == COMPLETED;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
