package dev.taskboard.devops.validate;

import com.fasterxml.jackson.core.JsonLocation;

/** A 1-based line and column in a file. */
record Position(long line, long column) {
  static final Position START = new Position(1, 1);

  static Position of(JsonLocation location) {
    return new Position(location.getLineNr(), location.getColumnNr());
  }

  /** {@code line:column}, for messages that point at a second place. */
  @Override
  public String toString() {
    return line + ":" + column;
  }
}
