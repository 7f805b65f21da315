package dev.taskboard.devops.board;

import java.nio.file.Path;

/** A compare-and-set expectation no longer holds: another agent changed the entry first. */
public final class ExpectationFailedException extends BoardException {
  private static final long serialVersionUID = 1L;

  public ExpectationFailedException(
      Path file, String id, String field, String expected, String actual) {
    super(
        file,
        "task "
            + id
            + ": expected "
            + field
            + " = "
            + expected
            + " but it is "
            + actual
            + "; the entry was changed by someone else and was left as it is");
  }
}
