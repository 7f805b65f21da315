package dev.taskboard.devops.worker;

import java.io.IOException;

/**
 * The worker lost what is its own — its instance lock, its journal or its state dir — and must
 * stop: going on could let a second worker run beside it, or act without a record of what it did.
 */
public final class WorkerFailure extends IOException {
  private static final long serialVersionUID = 1L;

  WorkerFailure(String reason) {
    super("the worker stopped: " + reason);
  }

  WorkerFailure(String reason, IOException cause) {
    super("the worker stopped: " + reason, cause);
  }
}
