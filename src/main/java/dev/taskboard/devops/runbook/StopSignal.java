package dev.taskboard.devops.runbook;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Requested by the worker on shutdown: a running step then gets its grace period and is killed
 * after it; a step not yet started does not start.
 */
public final class StopSignal {
  private final Set<Runnable> listeners = new LinkedHashSet<>();
  private boolean requested;

  /** Asks running steps to stop; idempotent. */
  public void request() {
    List<Runnable> toRun;
    synchronized (this) {
      if (requested) {
        return;
      }
      requested = true;
      toRun = new ArrayList<>(listeners);
      listeners.clear();
    }
    toRun.forEach(Runnable::run);
  }

  public synchronized boolean isRequested() {
    return requested;
  }

  /**
   * Runs {@code action} when a stop is requested, at once if it already was. Closing the returned
   * registration forgets the action, so one long-lived signal does not collect every step's.
   */
  Registration whenRequested(Runnable action) {
    synchronized (this) {
      if (!requested) {
        listeners.add(action);
        return () -> forget(action);
      }
    }
    action.run();
    return () -> {};
  }

  private synchronized void forget(Runnable action) {
    listeners.remove(action);
  }

  /** An action registered with {@link #whenRequested}. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
