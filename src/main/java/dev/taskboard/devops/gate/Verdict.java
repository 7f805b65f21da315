package dev.taskboard.devops.gate;

import java.util.Locale;

/** How one check ended. */
public enum Verdict {
  /** The evidence says yes. */
  PASS,
  /** The evidence says no: the deployment is blocked and a fix is requested. */
  FAIL,
  /** There is no usable evidence: a human is asked for it. */
  INCONCLUSIVE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
