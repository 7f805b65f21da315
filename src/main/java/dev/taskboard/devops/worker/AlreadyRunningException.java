package dev.taskboard.devops.worker;

import java.io.IOException;
import java.nio.file.Path;

/** Another worker holds this board's instance lock. */
public final class AlreadyRunningException extends IOException {
  private static final long serialVersionUID = 1L;

  AlreadyRunningException(Path lockFile, String holder) {
    super(
        "another devops-worker already works on this board ("
            + holder
            + ", lock "
            + lockFile
            + "); stop it first, or point this one at another board");
  }
}
