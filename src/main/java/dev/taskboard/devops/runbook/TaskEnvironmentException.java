package dev.taskboard.devops.runbook;

import java.io.IOException;

/**
 * A task whose data cannot reach its steps as environment variables: payload keys that clash, or
 * variables over the kernel's limits. Thrown before any step starts, so nothing ran; the message is
 * one line saying what to change.
 */
public final class TaskEnvironmentException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What is wrong, and so what the worker does with the task. */
  public enum Kind {
    /** Payload keys that map to one variable, or a release no variable can carry: fix the task. */
    AMBIGUOUS_PAYLOAD,
    /** A variable, or the whole environment, over the kernel's limit: no step can start. */
    TOO_LARGE
  }

  private final Kind kind;

  TaskEnvironmentException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
