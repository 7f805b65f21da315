package dev.taskboard.devops.runbook;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A runbook (or a task's choice of runbook) the worker refuses: the message is one line naming the
 * file, the position when there is one, what is wrong and what to do.
 */
public class RunbookException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public RunbookException(Path file, String reason) {
    super(file + ": " + reason);
    this.file = file;
  }

  public RunbookException(Path file, int line, int column, String reason) {
    super(file + ":" + line + ":" + column + ": " + reason);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
