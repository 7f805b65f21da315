package dev.taskboard.devops.runbook;

import java.util.Locale;
import java.util.Optional;

/** The phases of a runbook section, in the order the worker runs them. */
public enum Phase {
  PRE,
  DEPLOY,
  VERIFY,
  ROLLBACK;

  /** The name as written in the runbook and in results: {@code pre}, {@code deploy}, … */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The phase a {@code ###} heading names, ignoring case. */
  static Optional<Phase> of(String heading) {
    for (Phase p : values()) {
      if (p.wireName().equalsIgnoreCase(heading)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
