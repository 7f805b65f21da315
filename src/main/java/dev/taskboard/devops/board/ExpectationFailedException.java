package dev.taskboard.devops.board;

import java.nio.file.Path;

/** A compare-and-set expectation no longer holds: another agent changed the entry first. */
public final class ExpectationFailedException extends BoardException {
  private static final long serialVersionUID = 1L;

  public ExpectationFailedException(
      Path file, String id, String field, String expected, String actual) {
    super(
        file,
        "task %s: expected %s = %s but it is %s; the entry was changed by someone else and was left"
                .formatted(id, field, expected, actual)
            + " as it is");
  }
}
