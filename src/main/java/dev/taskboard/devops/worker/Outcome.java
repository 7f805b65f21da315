package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import java.nio.file.Path;
import java.util.Optional;

/** How one run of a task ended, and what goes into its {@code result}. */
record Outcome(
    Kind kind,
    String message,
    int attempts,
    Path log,
    Rollback rollback,
    Optional<String> url,
    ObjectNode extra) {

  enum Kind {
    SUCCEEDED,
    FAILED,
    BLOCKED
  }

  /** Whether a rollback ran and how it ended. */
  enum Rollback {
    /** The runbook has none for this task. */
    NONE,
    DONE,
    FAILED,
    /** Its first step could not start: nothing was rolled back. */
    NOT_STARTED;

    /** {@code deployment_info.rollback}: none, succeeded, failed, not_started. */
    String wireName() {
      return this == DONE ? "succeeded" : name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a rollback step ran ({@code rollback_performed}). */
    boolean performed() {
      return this == DONE || this == FAILED;
    }

    /** Whether the environment may be left in a state nobody chose. */
    boolean unsafe() {
      return this == FAILED || this == NOT_STARTED;
    }
  }

  Outcome {
    extra = extra == null ? Json.MAPPER.createObjectNode() : extra.deepCopy();
  }

  static Outcome succeeded(String message, int attempts, Path log, Optional<String> url) {
    return new Outcome(Kind.SUCCEEDED, message, attempts, log, Rollback.NONE, url, null);
  }

  static Outcome failed(String message, int attempts, Path log, Rollback rollback) {
    return new Outcome(Kind.FAILED, message, attempts, log, rollback, Optional.empty(), null);
  }

  static Outcome blocked(String message) {
    return new Outcome(Kind.BLOCKED, message, 0, null, Rollback.NONE, Optional.empty(), null);
  }

  /** The same outcome with {@code field} added to the result. */
  Outcome with(String field, com.fasterxml.jackson.databind.JsonNode value) {
    ObjectNode more = extra.deepCopy();
    more.set(field, value);
    return new Outcome(kind, message, attempts, log, rollback, url, more);
  }

  /** The same outcome with another message. */
  Outcome withMessage(String other) {
    return new Outcome(kind, other, attempts, log, rollback, url, extra);
  }

  boolean success() {
    return kind == Kind.SUCCEEDED;
  }

  /** The board status: deployed for deployments, done for the rest, failed, blocked. */
  TaskStatus status(TaskType type) {
    return switch (kind) {
      case SUCCEEDED -> type.successStatus();
      case FAILED -> TaskStatus.FAILED;
      case BLOCKED -> TaskStatus.BLOCKED;
    };
  }
}
