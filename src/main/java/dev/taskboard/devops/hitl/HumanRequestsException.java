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
    super(file + ": " + reason);
    this.file = file;
  }

  HumanRequestsException(Path file, int line, int column, String reason) {
    super(file + ":" + line + ":" + column + ": " + reason);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
