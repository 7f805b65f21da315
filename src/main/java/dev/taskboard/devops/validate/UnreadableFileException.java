package dev.taskboard.devops.validate;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file validate cannot read at all, so it has nothing to check in it: one line, the file first.
 */
final class UnreadableFileException extends IOException {
  private static final long serialVersionUID = 1L;

  UnreadableFileException(Path file, String reason) {
    super(file + ": " + reason);
  }

  UnreadableFileException(Path file, long line, long column, String reason) {
    super(file + ":" + line + ":" + column + ": " + reason);
  }
}
