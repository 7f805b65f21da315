package dev.taskboard.devops.hitl;

import java.util.Objects;

/**
 * One read of human-requests.md: its requests, or why it cannot be read (then the worker goes on
 * with everything else, says so once, and writes nothing to it).
 */
public sealed interface Reading {

  /** The file as read; a missing file reads as one with no entries and no sections. */
  record Ok(Requests requests) implements Reading {
    public Ok {
      Objects.requireNonNull(requests, "requests == null");
    }
  }

  /**
   * The file exists but cannot be used: not UTF-8, too large, not readable.
   *
   * @param message one line: the file, line:column where there is one, what is wrong, what to do
   */
  record Unreadable(String message) implements Reading {
    public Unreadable {
      Objects.requireNonNull(message, "message == null");
    }
  }
}
