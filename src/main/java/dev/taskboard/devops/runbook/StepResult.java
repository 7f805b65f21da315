package dev.taskboard.devops.runbook;

import java.time.Duration;

/**
 * How one step ended: its exit code, how long it ran, whether it was killed for its timeout or for
 * a shutdown, its last non-empty output line (redacted), and whether it started at all.
 */
public record StepResult(
    int exitCode,
    Duration duration,
    boolean timedOut,
    boolean stopped,
    String lastLine,
    boolean started) {

  /** Exit code of a step that could not be started (as a shell reports a missing command). */
  public static final int CANNOT_START = 127;

  /** Exit code reported when the process's own code is unknown (it was killed). */
  public static final int KILLED = -1;

  public boolean ok() {
    return exitCode == 0 && !timedOut && !stopped;
  }

  /** The same result with another last line (say, redacted once more). */
  public StepResult withLastLine(String line) {
    return new StepResult(exitCode, duration, timedOut, stopped, line, started);
  }
}
