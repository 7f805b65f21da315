package dev.taskboard.devops.hitl;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A human-requests.md the worker cannot use or change as asked: one line naming the file, the
 * position when there is one, what is wrong and what to do. Nothing was written.
 */
public final class HumanRequestsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  HumanRequestsException(Path file, String reason) {
    this(file, 0, 0, reason);
  }

  HumanRequestsException(Path file, int line, int column, String reason) {
    this(format(file, line, column, reason), file);
  }

  private HumanRequestsException(String message, Path file) {
    super(message);
    this.file = file;
  }

  /** For a message already made by {@link #format}. */
  static HumanRequestsException withMessage(Path file, String message) {
    return new HumanRequestsException(message, file);
  }

  /** {@code file:line:column: reason}, or {@code file: reason} when {@code line} is 0. */
  static String format(Path file, int line, int column, String reason) {
    return line > 0 ? file + ":" + line + ":" + column + ": " + reason : file + ": " + reason;
  }

  public Path file() {
    return file;
  }
}
