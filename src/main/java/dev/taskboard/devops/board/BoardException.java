package dev.taskboard.devops.board;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A board (or an argument about it) the worker refuses: the message is one line naming the file,
 * the position when there is one, what is wrong and what to do. Nothing was written.
 */
public class BoardException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Path file;

  public BoardException(Path file, String reason) {
    super(file + ": " + reason);
    this.file = file;
  }

  public BoardException(Path file, long line, long column, String reason) {
    super(file + ":" + line + ":" + column + ": " + reason);
    this.file = file;
  }

  /** A message already naming the file (another refusal's, passed on). */
  BoardException(String message, Path file) {
    super(message);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
