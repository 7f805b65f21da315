package dev.taskboard.devops.files;

import java.io.IOException;

/**
 * The version being read or copied changed under the reader: a writer that ignores the lock
 * truncated or rewrote the file in place (the same inode). A locked update reads again, as after a
 * foreign rename.
 */
public final class FileChangedException extends IOException {
  private static final long serialVersionUID = 1L;

  public FileChangedException(String message) {
    super(message);
  }
}
