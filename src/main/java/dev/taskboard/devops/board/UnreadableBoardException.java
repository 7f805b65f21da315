package dev.taskboard.devops.board;

import java.nio.file.Path;

/** The board's bytes are not a whole JSON document: broken, or another writer is mid-write. */
final class UnreadableBoardException extends BoardException {
  private static final long serialVersionUID = 1L;

  UnreadableBoardException(Path file, String reason) {
    super(file, reason);
  }

  UnreadableBoardException(Path file, long line, long column, String reason) {
    super(file, line, column, reason);
  }
}
