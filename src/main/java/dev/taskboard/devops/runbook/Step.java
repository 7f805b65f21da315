package dev.taskboard.devops.runbook;

import java.nio.file.Path;
import java.util.Objects;

/** One fenced code block of a phase: a script and the interpreter that runs it. */
public record Step(Phase phase, int index, String interpreter, String script, Path file, int line) {

  public Step {
    Objects.requireNonNull(phase, "phase == null");
    Objects.requireNonNull(interpreter, "interpreter == null");
    Objects.requireNonNull(script, "script == null");
    Objects.requireNonNull(file, "file == null");
  }

  /** The step's name in logs and results, e.g. {@code deploy#1}. */
  public String name() {
    return phase.wireName() + "#" + index;
  }

  /** Where the step is written, {@code file:line}. */
  public String origin() {
    return file + ":" + line;
  }
}
