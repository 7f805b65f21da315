package dev.taskboard.devops.files;

import java.io.IOException;
import java.nio.file.Path;

/** Writers that ignore the lock kept replacing a file; nothing was written, retry later. */
public final class BusyFileException extends IOException {
  private static final long serialVersionUID = 1L;

  BusyFileException(Path file, String reason) {
    super(file + ": " + reason);
  }
}
