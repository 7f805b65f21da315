package dev.taskboard.devops.cli;

/** The exit codes of every command; other agents and scripts rely on them. */
final class ExitCode {
  static final int OK = 0;

  /** The requested task does not exist. */
  static final int NOT_FOUND = 1;

  /** {@code validate} found problems; it printed them. */
  static final int FINDINGS = 1;

  /** Bad input: an unreadable or invalid board, or bad arguments. Nothing was written. */
  static final int BAD_INPUT = 2;

  /** A compare-and-set expectation did not hold; the board is untouched. */
  static final int CONFLICT = 3;

  /** Another worker already works on this board. */
  static final int ALREADY_RUNNING = 4;

  /** Writers that ignore the lock kept replacing the board; nothing was written, retry. */
  static final int BUSY = 5;

  /** The running worker lost its instance lock, its journal or its state dir, and stopped. */
  static final int LOST_OWN_FILES = 6;

  /** A bug in the worker: the stack trace follows on stderr. */
  static final int INTERNAL = 70;

  private ExitCode() {}
}
