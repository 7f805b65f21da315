package dev.taskboard.devops.board;

import java.nio.file.Path;

/**
 * One task the worker refuses to read or write — too large, its file missing or broken, an unsafe
 * id — while the rest of the board is fine. Never guessed at: the task is left alone.
 */
public class RefusedTaskException extends BoardException {
  private static final long serialVersionUID = 1L;

  private final String id;

  public RefusedTaskException(Path file, String id, String reason) {
    super(file, reason);
    this.id = id;
  }

  public RefusedTaskException(Path file, String id, long line, long column, String reason) {
    super(file, line, column, reason);
    this.id = id;
  }

  /** {@code cause}'s one-line message, for the task {@code id} alone. */
  RefusedTaskException(String id, BoardException cause) {
    super(cause.getMessage(), cause.file());
    this.id = id;
  }

  /** The id of the task refused. */
  public String id() {
    return id;
  }
}
