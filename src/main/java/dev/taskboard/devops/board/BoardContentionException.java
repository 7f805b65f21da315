package dev.taskboard.devops.board;

import java.nio.file.Path;

/** Writers that ignore the lock kept replacing the board; nothing was written, retry later. */
public final class BoardContentionException extends BoardException {
  private static final long serialVersionUID = 1L;

  public BoardContentionException(Path file, String reason) {
    super(file, reason);
  }
}
