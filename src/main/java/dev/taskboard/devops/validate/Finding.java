package dev.taskboard.devops.validate;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;

/** One problem in one file: where it is (1-based line and column) and what to do about it. */
public record Finding(Path file, long line, long column, String message) {
  /** By file name, then by position; equal positions keep the order they were found in. */
  static final Comparator<Finding> ORDER =
      Comparator.comparing((Finding f) -> f.file().toString())
          .thenComparingLong(Finding::line)
          .thenComparingLong(Finding::column);

  public Finding {
    Objects.requireNonNull(file, "file == null");
    Objects.requireNonNull(message, "message == null");
  }

  static Finding at(Path file, Position at, String message) {
    return new Finding(file, at.line(), at.column(), message);
  }

  /** {@code file:line:column: message}. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}
