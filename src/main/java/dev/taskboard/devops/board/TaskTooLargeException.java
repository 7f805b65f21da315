package dev.taskboard.devops.board;

import java.nio.file.Path;

/** One task's entry is over the size the worker materializes; the rest of the board is fine. */
public final class TaskTooLargeException extends RefusedTaskException {
  private static final long serialVersionUID = 1L;

  TaskTooLargeException(Path file, String id, long line, long column, long bytes) {
    super(
        file,
        id,
        line,
        column,
        String.format(
            "task %s is %.1f MB; entries over %d MB are refused to keep memory bounded, shorten it",
            id, bytes / 1e6, Json.MAX_ENTRY_BYTES / (1024 * 1024)));
  }
}
