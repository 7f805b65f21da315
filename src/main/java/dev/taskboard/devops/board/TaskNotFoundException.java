package dev.taskboard.devops.board;

import dev.taskboard.devops.task.Printable;
import java.nio.file.Path;

/** The board has no task with the requested id. */
public final class TaskNotFoundException extends BoardException {
  private static final long serialVersionUID = 1L;

  public TaskNotFoundException(Path file, String id) {
    super(
        file,
        "no task with id "
            + Printable.of(id) // one line, no raw escapes or bidi overrides
            + "; check the id (ids compare as text, so 7 and \"7\" are the same)");
  }
}
